"""Annual inspection (年度检查): campaigns, materials, scored reviews, grades and their consequences."""
