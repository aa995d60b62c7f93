"""The grid's actions, one function per thing a user does; each checks rights, validates, writes and flushes (the
caller commits). One module per thing the grid keeps: `scope` (who answers for which cells), `cells`, `placement`
(which cell an institution stands in, border cases), `workers`, `rounds`, `visits` and `maps`; callers use them
through this package, as `services.record_visit`."""
from registry.grid.services.cells import (SUGGESTIONS, CellFilter, Suggestion, cell_filter, cell_institutions,  # noqa: F401
                                          cell_path, cells, children_count, get_cell, may_open, suggest_cells)
from registry.grid.services.maps import MAP_MARKERS, MapLayers, map_layers  # noqa: F401
from registry.grid.services.placement import (BorderCase, assign_cells, assignment_of, border_cases,  # noqa: F401
                                              candidate_cells, confirm_assignment, placement_of, unassigned)
from registry.grid.services.rounds import Round, last_visits, rounds  # noqa: F401
from registry.grid.services.scope import cell_id_of, path_ids, worker_cell_ids, worker_scope  # noqa: F401
from registry.grid.services.visits import (CLIENT_ID, MAX_PHOTOS, Recorded, VisitFilters, get_photo,  # noqa: F401
                                           get_visit, latest_visits, list_visits, record_visit)
from registry.grid.services.workers import add_worker, grid_workers, remove_worker, workers_of  # noqa: F401
