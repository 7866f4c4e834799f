"""Coverage pages, one module per page family: dashboards, people behind the numbers, league
table, reports, BPJS counts, targets and regulations. All are class views over core.generic;
pages about one area take it from the URL through areas.generic (404 outside the scope)."""
