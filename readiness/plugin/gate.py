"""The state of one gate run: its configuration, target, run directory and recorded checks."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness import config as gate_config
from readiness.core.model import CheckMeta, CheckResult, GateResult
from readiness.core.shards import Shard, ShardPlan, parse_shard
from readiness.plugin.http import Limits
from readiness.plugin.interrupt import InterruptWatch
from readiness.plugin.trust import TrustBundle, TrustStore, from_config
from readiness.reports.folder import new_run_id


@dataclass
class GateOptions:
    """The command-line side of a run (what pytest's options carry)."""

    gates: str = "gates.yaml"
    target: str | None = None
    profile: str | None = None
    pages: list[str] = field(default_factory=list)
    report_dir: str = "reports"
    demo: str | None = None
    components: list[str] = field(default_factory=list)
    run_id: str | None = None
    allow_load_on: list[str] = field(default_factory=list)  # hosts the load suite may target
    shard: str | None = None  # --shard I/N: run the I-th of N slices of the plan
    load_shard: int | None = None  # --load-shard K: the shard that runs the load (default 1)


def _shard_options(options: GateOptions) -> tuple[Shard | None, int]:
    """--shard and --load-shard, checked (ConfigError names the option)."""
    if options.shard is None:
        if options.load_shard is not None:
            raise gate_config.ConfigError(
                "--load-shard says which shard runs the load: give --shard I/N too",
                field="--load-shard",
            )
        return None, 1
    try:
        shard = parse_shard(options.shard)
    except ValueError as exc:
        raise gate_config.ConfigError(str(exc), field="--shard") from None
    load_shard = 1 if options.load_shard is None else options.load_shard
    if not 1 <= load_shard <= shard.count:
        raise gate_config.ConfigError(
            f"--load-shard {load_shard}: give a shard of the {shard.count}, 1 to {shard.count}",
            field="--load-shard",
        )
    return shard, load_shard


@dataclass
class GateRun:
    config: gate_config.GateConfig
    options: GateOptions
    run_id: str
    run_dir: Path
    started_at: dt.datetime
    started_monotonic: float
    target: str = ""
    demo: Any = None  # the DemoServer when the bundled demo target serves this run
    # The one trust store of every client of the target (readiness/plugin/trust.py).
    trust: TrustStore = field(default_factory=TrustStore)
    _bundle: TrustBundle | None = field(default=None, repr=False)  # requests' view of it
    results: list[CheckResult] = field(default_factory=list)
    collected: set[str] = field(default_factory=set)  # components with at least one check
    unreachable: str | None = None
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    result: GateResult | None = None
    written: dict[str, Path] = field(default_factory=dict)
    planned: dict[str, CheckMeta] = field(default_factory=dict)  # check id -> its identity
    # Opt-in checks switched off (applies=opt_in(...)): (component, why) -> their ids.
    not_enabled: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    engine_errors: list[str] = field(default_factory=list)  # the engine's own failures
    watch: InterruptWatch = field(default_factory=InterruptWatch)  # Ctrl-C / SIGTERM
    shard: Shard | None = None  # --shard I/N (readiness/plugin/shard.py)
    load_shard: int = 1
    shard_plan: ShardPlan | None = None  # the whole plan and this shard's slice of it

    @property
    def today(self) -> dt.date:
        """The run's one date: waivers are judged against it everywhere."""
        return self.started_at.date()

    @classmethod
    def prepare(cls, options: GateOptions) -> GateRun:
        """Load and check everything that can be wrong before any request is sent."""
        target = options.target or os.environ.get("READINESS_TARGET") or None
        if options.demo and target:
            raise gate_config.ConfigError(
                "--demo starts the bundled demo target; it cannot be combined with --target"
                " or READINESS_TARGET",
                field="--demo",
            )
        if target and target != "demo":
            gate_config.check_target(target)
        cfg = gate_config.load(
            options.gates, profile=options.profile, target=target, pages=options.pages or None
        )
        if options.components:
            unknown = [c for c in options.components if c not in cfg.components]
            if unknown:
                raise gate_config.ConfigError(
                    f"component '{unknown[0]}' is not in this run"
                    f" (available: {', '.join(cfg.components)})",
                    field="--component",
                )
            cfg.components = {n: cfg.components[n] for n in options.components}
        for page in options.pages:  # the file's own pages are validated with their line
            if not page.startswith("/"):
                raise gate_config.ConfigError(
                    f"page '{page}' must be a path starting with '/'", field="--page"
                )
        shard, load_shard = _shard_options(options)
        # The files it names are read now: a bad CA file is a config error, before any traffic.
        store = from_config(cfg.tls.verify, cfg.tls.ca_bundle)
        now = dt.datetime.now(dt.UTC)
        run_id = options.run_id or new_run_id(now)
        return cls(
            config=cfg,
            trust=store,
            options=options,
            run_id=run_id,
            # Absolute: suites hand paths to subprocesses (Locust) that run in other cwds.
            run_dir=Path(options.report_dir).resolve() / run_id,
            started_at=now,
            started_monotonic=time.monotonic(),
            shard=shard,
            load_shard=load_shard,
        )

    @property
    def wants_demo(self) -> bool:
        # --demo wins over a URL in the gates file (but not over --target: that is an error).
        return self.options.demo is not None or self.config.target in (None, "demo")

    @property
    def verify(self) -> bool | str:
        """requests' ``verify=`` for the target: the run's trust store as one PEM file (the
        system's own file when that is the whole store; else a temporary file outside the
        run folder, removed when the run ends), or False under ``tls.verify: false``."""
        if self._bundle is None or self._bundle.store is not self.trust:
            self.release_trust()  # the store changed (the demo's CA joined): a new file
            self._bundle = TrustBundle(self.trust)
        return self._bundle.verify

    def release_trust(self) -> None:
        """Remove the temporary trust file, if one was written (at the run's end)."""
        if self._bundle is not None:
            self._bundle.remove()
            self._bundle = None

    @property
    def limits(self) -> Limits:
        """The deadline and body cap of every request the suites send (gates.yaml http:)."""
        return Limits(self.config.http.deadline_s, self.config.http.max_body_bytes)

    @property
    def duration_s(self) -> float:
        return time.monotonic() - self.started_monotonic

    def add(self, result: CheckResult) -> None:
        # Where every result is recorded: its id, texts, value and evidence lose every secret
        # here, in place, so that pytest's own line for it shows the redacted one too.
        self.config.redactor.scrub(result)
        self.results.append(result)

    def note(self, component: str, text: str) -> None:
        """A line for the component's notes in the matrix (e.g. a security grade)."""
        self.notes[component].append(text)
