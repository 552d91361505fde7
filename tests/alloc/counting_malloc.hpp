// Counts the heap allocations made on behalf of one shared library (a
// backend plugin): this executable replaces malloc and its relatives, and an
// allocation counts when any frame of its call stack lies inside the
// library's mapped code. Built only without sanitizers (which replace malloc
// themselves); see tests/alloc/CMakeLists.txt.
#pragma once

#include <cstddef>
#include <string>

namespace tensorplug::test {

/**
 * Starts counting allocations made from the loaded object whose file
 * resolves to `library` (the host loads plugins through /proc/self/fd/N,
 * which resolves to the file). Returns false when no loaded object matches.
 */
bool count_allocations_from(const std::string& library);

/** Stops counting; returns how many allocations were counted since start. */
std::size_t stop_counting();

/** The call stack (one frame per line) of the first counted allocation. */
std::string first_counted_stack();

}  // namespace tensorplug::test
