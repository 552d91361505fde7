// The child -> runner protocol: a child process appends one JSON object per
// line to its events file and flushes after each, so that whatever it wrote
// before a crash survives. Lines, in order of appearance:
//
//   {"event":"backend","backend":"reference",
//    "library":"/abs/path.so","description":"reference 0.1.0",
//    "api_version":"0.3","dtypes":["float32",...],"dtypes_source":"capabilities"}
//       once the backend under test is loaded: before group_start in most
//       groups, inside the first case that loads it in the loading group
//   {"event":"group_start","group":"ops"}
//       the child is running the group (the backend loaded, except in the
//       loading group, which loads it in its cases)
//   {"event":"load_failed","message":"..."}
//       the backend under test could not be loaded in this child; the group's
//       cases were not run (the "loading" group reports the details itself)
//   {"event":"not_provided","entry":"conv2d","detail":"not exported"}
//       may repeat for one entry (merge them)
//   {"event":"case_start","index":12,"entry":"dot","case":"(3, 4) x (4, 2)
//   float32"}
//   {"event":"case_end","index":12,"entry":"dot","case":"...",
//    "status":"passed"|"failed"|"skipped","failures":["..."],
//    "reason":"...","seconds":0.0012}
//       "failures" for failed cases, "reason" for skipped ones; a case_start
//       without its case_end is the case that was running when the child died
//   {"event":"group_failure","message":"..."}
//       an assertion failed or an exception escaped outside any case
//   {"event":"group_end"}
//       the child finished the group normally
//
// Case indexes count every case the group enumerates, from 0, including
// those skipped because of --start-at.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "kit.hpp"

namespace tensorplug::conformance {

/// Runs `group` in this process (the child side): configures the kit with
/// `options`, appends events to `events_file`, skips cases below `start_at`,
/// and runs the group's Catch2 test cases. Returns 0 when the group ran to
/// its end (whatever the results), 2 for an unknown group or unwritable
/// events file.
int run_group(const KitOptions& options, std::string_view group,
              const std::filesystem::path& events_file, std::size_t start_at);

}  // namespace tensorplug::conformance
