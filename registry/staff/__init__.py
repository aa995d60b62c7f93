"""Staff of institutions (从业人员): rosters, qualifications, background checks, the in-service-teacher check."""
