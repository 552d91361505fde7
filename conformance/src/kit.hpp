// The conformance kit's test-side API: what a group's Catch2 TEST_CASE uses
// to reach the backend under test and the reference backend, and to record
// one result per case.
//
// A run is split into groups (kGroups); the runner (main.cpp) starts one
// child process per group, so a crash inside a plugin fails only the case
// that was running. In the child, each group is one Catch2 TEST_CASE tagged
// with its name ("[ops]"), and every check it makes is a *case*:
//
//   TEST_CASE("every exported op matches the reference backend", "[ops]") {
//     auto& kit = Kit::instance();
//     if (!kit.backend().provides("dot")) { kit.not_provided("dot"); return; }
//     kit.run_case("dot", "matrix (3, 4) x (4, 2), float32", [&] {
//       ...
//       CHECK(...);              // Catch2 assertions are recorded per case
//       check_close(expected, actual, tolerance_for(dt), "output 0");
//     });
//   }
//
// A case fails when a Catch2 assertion in it fails or when its body throws
// (the exception's message is recorded: a PluginError carries the plugin's
// own message). A REQUIRE failure ends only that case. Cases must be
// enumerated in the same order on every run of a group (inputs come from
// Kit::rng, seeded by the case): after a crash the runner restarts the group
// after the case that crashed.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/array.hpp"
#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"

namespace tensorplug::conformance {

/// The groups, in run order (docs/conformance.md describes each).
inline constexpr std::array<std::string_view, 6> kGroups = {
    "loading", "required", "ops", "gradients", "errors", "lifecycle"};

/// What the runner hands a child (and what tests may set directly).
struct KitOptions {
  /// The backend under test: a builtin name, a dotted module path, or a
  /// library file (see looks_like_library_path).
  std::string target;
  /// --dtypes: overrides what the backend declares through `capabilities`.
  std::optional<std::vector<DLDataType>> dtypes;
  /// Seed of every random input (cases derive their own from it).
  std::uint64_t seed = 20261125;
  /// Create/release cycles per lifecycle case (--cycles).
  int cycles = 2000;
  /// Entries whose cases are recorded as skipped, not run: the runner
  /// passes those that crashed the backend in an earlier child.
  std::vector<std::string> skip_entries;
  /// --entry: when not empty, only these entries' cases run (and only they
  /// are reported); the others are passed over silently.
  std::vector<std::string> only_entries;
};

/// Settings for loading a backend: Keras's defaults unless changed.
struct KitSettings {
  std::string floatx = "float32";
  double epsilon = 1e-7;
  std::string image_data_format = "channels_last";
};

/// How a "<name-or-path>" target resolves, without loading anything: a
/// library file or a backend name (TENSORPLUG_PATH applies, no
/// configuration is read). Throws resolve_backend / resolve_library_file's
/// errors.
Resolution resolve_target(const std::string& target);

class Kit {
 public:
  /// The process-wide kit of a child run (configured by the runner).
  static Kit& instance();
  void configure(KitOptions options);
  const KitOptions& options() const { return options_; }

  /// The backend under test, loaded once with Keras's default settings
  /// (float32, 1e-7, channels_last). Throws the host's error when it cannot
  /// be resolved, validated, loaded or initialised. Its first load in a
  /// process is tried in a child first (LoadOptions::trial_load_in_child):
  /// a library that crashes or hangs the system loader is an
  /// InvalidBackendError, not the end of the kit.
  const Backend& backend();
  /// A new instance (own context) of the backend under test with `settings`.
  Backend load_backend(const KitSettings& settings = {}) const;
  /// The builtin reference backend, default settings, loaded once.
  const Backend& reference();
  /// A new instance of the reference backend with `settings`.
  Backend load_reference(const KitSettings& settings = {}) const;
  /// How the backend under test resolves (no loading; throws like
  /// resolve_backend / resolve_library_file).
  Resolution resolve_target() const;

  /// The dtypes under test: --dtypes, else what the backend declares, else
  /// all of docs/ops.md (float16, float32, float64, int32, int64, bool).
  const std::vector<DLDataType>& dtypes();
  bool supports(DLDataType dtype);
  /// Whether the dtypes came from --dtypes, `capabilities`, or the default.
  const std::string& dtypes_source();

  /// Whether --entry selects `entry` (always, without --entry).
  bool selected(std::string_view entry) const;

  /// A generator seeded from the run's seed and `case_key` (deterministic).
  std::mt19937_64 rng(std::string_view case_key) const;

  /// Runs one case of the current group: `entry` is the Keras entry under
  /// test ("dot", "placeholder", or a pseudo entry such as "library" or
  /// "context"), `name` says what the case checks, with its shapes and dtype.
  /// Returns true when it passed.
  bool run_case(std::string_view entry, std::string_view name,
                const std::function<void()>& body);
  /// Records that `entry` is not exported (its cases are not run, and it
  /// does not fail the run). Repeated calls for one entry are merged.
  void not_provided(std::string_view entry, std::string_view detail = {});
  /// Records a case that cannot run for a reason that is not a failure
  /// (e.g. a gradient check needs `gradients`, which is not exported).
  void skip_case(std::string_view entry, std::string_view name,
                 std::string_view reason);
  /// Inside a run_case body: ends the case as skipped with `reason` (unless
  /// it also failed), for a case that learns only while running that it
  /// cannot apply. Lets a group enumerate the same cases on every run.
  void skip_running_case(std::string reason);

  // ---- used by the runner's child side and the Catch2 listener ----
  /// Cases with an index below this are not run (restart after a crash).
  void set_start_at(std::size_t index) { start_at_ = index; }
  /// Appends a failure message to the running case (or to the group).
  void record_failure(std::string message);
  /// Where events go (JSON lines, flushed after each; see events.hpp).
  void set_event_sink(std::function<void(const std::string&)> sink) {
    sink_ = std::move(sink);
  }
  void emit(const std::string& json_line);
  /// Cases enumerated (run, skipped or before --start-at) and entries
  /// reported not provided since configure(): a group that saw neither did
  /// not test anything.
  std::size_t cases_enumerated() const { return next_index_; }
  std::size_t not_provided_reports() const { return not_provided_reports_; }

 private:
  /// The backend under test with `settings`, loaded after a trial in a
  /// child process when `trial_in_child`.
  Backend load_target(const KitSettings& settings, bool trial_in_child) const;
  KitOptions options_;
  std::optional<Backend> backend_;
  std::optional<Backend> reference_;
  std::optional<std::vector<DLDataType>> dtypes_;
  std::string dtypes_source_;
  std::size_t next_index_ = 0;
  std::size_t start_at_ = 0;
  std::size_t not_provided_reports_ = 0;
  bool in_case_ = false;
  std::vector<std::string> failures_;
  std::string skip_reason_;
  std::vector<std::string> group_failures_;
  std::function<void(const std::string&)> sink_;
};

}  // namespace tensorplug::conformance
