"""Reports: the register as of a date, the fortnightly bulletin, the dashboards."""
