"""content.stack_trace on debug pages as the frameworks print them, and on ordinary error pages
(production 404/500 pages, prose about errors) that must not be taken for debug output.

The pages are excerpts of real output, kept in tests/data/debug_pages/: Django's technical
404/500 and CSRF 403 templates, Werkzeug's debugger, Starlette's ServerErrorMiddleware, Rails'
rescue templates, better_errors, Whoops, Symfony's ErrorHandler, Ignition, Spring Boot's
Whitelabel page, Tomcat's error report, Express's finalhandler, Next.js' dev error markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from suites.security import content, grading

PAGES = Path(__file__).parents[1] / "data" / "debug_pages"

DEBUG_PAGES = {
    # Python
    "django_404_urlconf.html": "Django debug page",
    "django_404_raised_by_view.html": "Django debug page",  # only the footer says DEBUG
    "django_403_csrf_debug.html": "Django debug page",
    "django_500.html": "Django debug page",
    "django_500_plain.txt": "Django debug page",  # technical_500.txt, for non-HTML clients
    "werkzeug_debugger.html": "Werkzeug debugger",
    "starlette_debug.html": "Starlette debug page",
    "fastapi_plain_traceback.txt": "Python traceback",  # Starlette's debug answer to an API
    # Ruby
    "rails_exception.html": "Rails debug page",
    "rails_routing_error.html": "Rails routing error page",
    "rails_api_500.json": "Rails debug page",
    "better_errors.html": "better_errors page",
    # PHP
    "whoops.html": "Whoops debug page",
    "symfony_exception.html": "Symfony debug page",
    "laravel_ignition.html": "Laravel Ignition page",
    "php_fatal_html_errors.html": "PHP error",
    "php_warning_text.txt": "PHP error",
    "php_stack_trace.html": "PHP stack trace",
    # Java
    "spring_whitelabel_trace.html": "Spring Boot error page",
    "spring_json_trace.json": "Java stack trace",
    "tomcat_exception_report.html": "Tomcat exception report",
    "jsp_exception.html": "JSP exception",
    "jboss_stack_trace.txt": "Java stack trace",
    # Node
    "express_error.html": "Express stack trace",
    "node_plain_stack.txt": "Node.js stack trace",
    "nextjs_app_router_dev.html": "Next.js dev error page",
    "nextjs_pages_router_dev.html": "Next.js dev error page",
    # .NET
    "aspnet_ysod.html": "ASP.NET error page",
    "aspnetcore_developer_page.html": "ASP.NET error page",
}
ORDINARY_PAGES = [
    "not_nginx_404.html",
    "not_flask_500.html",
    "not_django_404.html",
    "not_django_403_csrf.html",  # "More information is available with DEBUG=True."
    "not_rails_404.html",
    "not_spring_whitelabel_404.html",  # Whitelabel without a trace (Boot's default)
    "not_tomcat_404.html",  # a status report, no exception
    "not_express_404.html",
    "not_express_500_production.html",
    "not_laravel5_500.html",  # "Whoops, looks like something went wrong." is not Whoops
    "not_laravel_500.html",
    "not_symfony_500.html",
    "not_nextjs_500_production.html",  # __NEXT_DATA__ with an err, but no stack
    "not_prose_404.html",  # titles naming tracebacks, NullPointerException, DEBUG, routing
]
# Every apostrophe and quote of a page rewritten one way or the other: the label must not move.
QUOTE_STYLES = {
    "straight": str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}),
    "typographic apostrophes": str.maketrans({"'": "\u2019"}),
    "typographic quotes": str.maketrans({'"': "\u201d"}),
}


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_every_stored_page_is_checked() -> None:
    assert {p.name for p in PAGES.iterdir()} == set(DEBUG_PAGES) | set(ORDINARY_PAGES)


@pytest.mark.parametrize(("name", "label"), sorted(DEBUG_PAGES.items()))
def test_debug_page_is_named(name: str, label: str) -> None:
    assert content.stack_trace(page(name)) == label


@pytest.mark.parametrize("name", ORDINARY_PAGES)
def test_ordinary_error_page_is_not_debug_output(name: str) -> None:
    assert content.stack_trace(page(name)) is None


@pytest.mark.parametrize("style", sorted(QUOTE_STYLES))
@pytest.mark.parametrize("name", sorted(DEBUG_PAGES) + ORDINARY_PAGES)
def test_quotes_either_way_give_the_same_answer(name: str, style: str) -> None:
    body = page(name)
    assert content.stack_trace(body.translate(QUOTE_STYLES[style])) == content.stack_trace(body)


@pytest.mark.parametrize(
    "apostrophe", ["\u2019", "'", "&rsquo;", "&#8217;", "&#x2019;", "&#39;", "&#x27;", "&apos;"]
)
def test_django_footer_alone_with_any_apostrophe(apostrophe: str) -> None:
    # The page that was missed: a view's Http404 under DEBUG, where only this footer (with
    # Django's U+2019 since 3.1) tells a debug page from a production one.
    footer = (
        f"<p>\n      You{apostrophe}re seeing this error because you have <code>DEBUG = True</code>"
        " in\n      your Django settings file. Change that to <code>False</code>, and Django\n"
        "      will display a standard 404 page.\n    </p>"
    )
    assert content.stack_trace(footer) == "Django debug page"


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ("app/models/order.rb:12:in `total'", "Ruby backtrace"),
        ("app/models/order.rb:12:in 'Order#total'", "Ruby backtrace"),  # Ruby 3.4's quotes
        ("app/models/order.rb:12:in \u2018Order#total\u2019", "Ruby backtrace"),
        (
            'Parse error: syntax error, unexpected token "}" in /var/www/html/cart.php on line 9',
            "PHP error",
        ),
        ('Exception in thread "main" java.lang.IllegalStateException', "Java exception"),
        ("<pre>java.lang.NullPointerException\n\tcom.shop.Cart.add(Cart.java:9)", "Java exception"),
        ("at com.shop.Cart.<init>(Cart.java:12)", "Java stack trace"),
        ("at java.base/java.lang.Thread.run(Thread.java:1583)", "Java stack trace"),
        ("System.InvalidOperationException: Sequence contains no elements", ".NET stack trace"),
        (
            "   at Shop.Cart.Total() in /src/Shop/Cart.cs:line 42",
            ".NET stack trace",
        ),
        ("    at new Pool (/srv/app/db.js:4:11)", "Node.js stack trace"),
        ("    at file:///srv/app/index.mjs:3:9", "Node.js stack trace"),
        ("    at C:\\srv\\app\\index.js:1:2", "Node.js stack trace"),
        (
            "    at async Promise.all (index 0)\n    at main (/srv/app/x.js:2:3)",
            "Node.js stack trace",
        ),
        (
            "    at Layer.handleRequest (/app/node_modules/router/lib/layer.js:152:17)",
            "Express stack trace",
        ),
        (
            "This error happened while generating the page. Any console logs will be displayed"
            " in the terminal window.",
            "Next.js dev error page",
        ),
        (
            '  File "/srv/app/views.py", line 41, in cart\n    items = s["items"]',
            "Python traceback",
        ),
    ],
)
def test_trace_literals(body: str, label: str) -> None:
    assert content.stack_trace(body) == label


@pytest.mark.parametrize(
    "body",
    [
        "Our office opens at 10:30; see you at /about or at the front desk.",
        "Fatal error: please try again later.",
        "Warning: cookies are disabled in your browser.",
        "java.lang.NullPointerException is the most common Java bug.",
        "Learn to read System.NullReferenceException messages.",
        "Routing Error: this page has moved.",
        "Stack trace: see the server logs.",
        "We keep a traceback of every failed request (most of them are timeouts).",
        "You're seeing this error because the page does not exist.",
        "<h1>Whitelabel Error Page</h1>",
    ],
)
def test_prose_is_not_a_trace(body: str) -> None:
    assert content.stack_trace(body) is None


def test_a_detected_page_costs_the_grade_its_debug_output_penalty() -> None:
    # The grade's exposure row reads Observations.stack_trace, which test_grade.py fills from
    # content.stack_trace (via conftest.debug_output): detection here is the penalty there.
    def exposure(body: str) -> list[str]:
        obs = grading.Observations(
            https=True, headers={}, stack_trace=content.stack_trace(body) is not None
        )
        return [m.key for m in grading.grade(obs).applied if m.test == "exposure"]

    assert exposure(page("django_404_raised_by_view.html")) == ["debug-output"]
    assert exposure(page("not_django_404.html")) == ["none"]
