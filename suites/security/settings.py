"""gates.yaml keys of the security component (validated by the engine when the file loads)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from readiness.suite import SuiteSettings, UrlPath, url_path

SIX_MONTHS_S = 15_552_000

# Well-known files that must never be served: short on purpose (a gate, not a scanner).
SENSITIVE_PATHS = (
    "/.git/HEAD",
    "/.env",
    "/.git/config",
    "/.svn/entries",
    "/.DS_Store",
    "/.htpasswd",
    "/backup.zip",
    "/backup.sql",
    "/dump.sql",
    "/config.php.bak",
    "/.aws/credentials",
    "/server-status",
)


class Login(BaseModel):
    """The login flow whose cookies are judged: the form on ``path`` submitted with these
    fields (suites/security/login.py)."""

    model_config = ConfigDict(extra="forbid")

    path: UrlPath = "/login"
    # The method when the fields go straight to `path` (form: false), or the form names none.
    method: Literal["POST", "GET"] = "POST"
    # Values may name environment variables, "${LOGIN_PASSWORD}", as the browser login's do.
    fields: dict[str, str] = {"username": "demo", "password": "demo"}
    # true: GET `path` and submit its form (with its hidden inputs: CSRF tokens) to its action;
    # false: send the fields straight to `path`, for a login API without a form page.
    form: bool = True


class ActiveProbe(BaseModel):
    """One parameter the opt-in active probes may send a canary to."""

    model_config = ConfigDict(extra="forbid")

    path: UrlPath
    param: str
    method: Literal["GET", "POST"] = "GET"  # GET unless the gate says otherwise


class Settings(SuiteSettings):
    # No `thresholds:` (THRESHOLDS stays empty): the keys below say it all.

    tls_min: Literal["1.2", "1.3"] = "1.2"
    hsts_min_age_s: int = Field(default=SIX_MONTHS_S, ge=0)
    cert_warn_days: int = Field(default=30, ge=0)  # warn when the certificate expires sooner
    ca_bundle: str | None = None  # moved to tls.ca_bundle (an error when set: _moved)
    http_url: str | None = None  # plain-HTTP URL of an https target (default: port 80 if 443)
    pages: list[str] = []  # pages whose headers, cookies and HTML are judged (default: pages)
    login: Login | None = None
    extra_paths: list[str] = []  # also inspected for banners, debug output and CORS
    sensitive_paths: list[str] = list(SENSITIVE_PATHS)
    max_requests: int = Field(default=20, ge=1, le=100)  # exposure probe budget (all probes)
    # The probes (CORS and exposure) go out this many at a time, under one deadline for them
    # all: a target that hangs on unknown paths costs the suite the deadline, not timeout_s
    # per probe. At most 10: a gate, not a scanner (and requests keeps 10 connections a host).
    probe_concurrency: int = Field(default=8, ge=1, le=10)
    probes_deadline_s: float = Field(default=10, gt=0)
    active: bool = False  # opt-in: send harmless canaries to the parameters below
    active_probes: list[ActiveProbe] = []

    @field_validator("ca_bundle")
    @classmethod
    def _moved(cls, value: str | None) -> str | None:
        # The TLS checks once trusted a bundle of their own while every request trusted
        # another: one certificate, two verdicts in one run.
        if value is not None:
            raise ValueError(
                "moved to tls.ca_bundle: the TLS checks trust the run's one store, the one"
                " every request uses"
            )
        return value

    @field_validator("pages", "extra_paths", "sensitive_paths")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        return [url_path(v) for v in value]
