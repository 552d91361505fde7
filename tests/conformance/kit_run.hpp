// Runs the conformance kit (tensorplug-conformance) on a backend as a child
// process and reads back what it reported: exit status, the JSON report
// (--json-file) and the path of the JUnit report (--junit). Header-only.
#pragma once

#include <boost/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_process.hpp"
#include "temp_dir.hpp"

namespace tensorplug::test::conformance {

struct KitRun {
  ProcessResult process;
  /// The JSON report; an empty object when the kit wrote none.
  boost::json::object report;
  std::filesystem::path junit_file;

  /// Exit status, report and output, for failure messages.
  std::string describe() const {
    return process.describe() + "\n--- JSON report ---\n" +
           boost::json::serialize(report);
  }
};

/// Runs the kit on `target` in `dir` with a clean environment (PATH, a
/// KERAS_HOME of its own, the sanitizer options of this process so that the
/// asan preset's settings reach the kit) plus `extra_env`.
inline KitRun run_kit(const std::string& target, const TempDir& dir,
                      const Environment& extra_env = {},
                      std::vector<std::string> extra_args = {}) {
  Environment env = minimal_environment();
  env["KERAS_HOME"] = (dir.path() / "keras_home").string();
  env["TENSORPLUG_LOG"] = "warn";
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  for (const auto& [name, value] : extra_env) env[name] = value;

  KitRun run;
  run.junit_file = dir.path() / "junit.xml";
  const auto json_file = dir.path() / "report.json";
  std::vector<std::string> argv{TENSORPLUG_CONFORMANCE_PATH, "--junit",
                                run.junit_file.string(), "--json-file",
                                json_file.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.push_back(target);
  // The lifecycle group runs thousands of cycles; under ASan it is slow.
  run.process = run_process(argv, env, dir.path(), std::chrono::minutes(15));
  if (std::filesystem::exists(json_file)) {
    boost::json::value v = boost::json::parse(read_file(json_file));
    if (v.is_object()) run.report = std::move(v.as_object());
  }
  return run;
}

// --- Reading the JSON report ---------------------------------------------

inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

inline const boost::json::array& groups(const boost::json::object& report) {
  static const boost::json::array empty;
  auto it = report.find("groups");
  return it != report.end() && it->value().is_array() ? it->value().as_array()
                                                      : empty;
}

/// The group named `name`; an empty object when the report lacks it.
inline const boost::json::object& group(const boost::json::object& report,
                                        const std::string& name) {
  static const boost::json::object empty;
  for (const auto& g : groups(report)) {
    if (g.is_object() && str(g.as_object().at("name")) == name) {
      return g.as_object();
    }
  }
  return empty;
}

/// The report's "passed" as "true" / "false", or "(missing)".
inline std::string passed_field(const boost::json::object& report) {
  auto it = report.find("passed");
  if (it == report.end() || !it->value().is_bool()) return "(missing)";
  return it->value().as_bool() ? "true" : "false";
}

inline std::string status_of(const boost::json::object& group) {
  auto it = group.find("status");
  return it == group.end() ? std::string("(missing)") : str(it->value());
}

inline std::vector<boost::json::object> cases_of(
    const boost::json::object& group) {
  std::vector<boost::json::object> out;
  auto it = group.find("cases");
  if (it == group.end() || !it->value().is_array()) return out;
  for (const auto& c : it->value().as_array()) {
    if (c.is_object()) out.push_back(c.as_object());
  }
  return out;
}

/// The entries whose verdict in "entries" is `verdict`, sorted.
inline std::vector<std::string> entries_with(const boost::json::object& report,
                                             const std::string& verdict) {
  std::vector<std::string> out;
  auto it = report.find("entries");
  if (it == report.end() || !it->value().is_object()) return out;
  for (const auto& [entry, v] : it->value().as_object()) {
    if (str(v) == verdict) out.emplace_back(entry);
  }
  return out;
}

/// Every message a group carries: its cases' failures, its own failures,
/// its load failure and its crashes' descriptions, one per line.
inline std::string all_text(const boost::json::object& group) {
  std::string out;
  auto add = [&](const boost::json::value& v) {
    if (v.is_string()) out += str(v) + "\n";
  };
  for (const auto& c : cases_of(group)) {
    if (auto f = c.find("failures"); f != c.end() && f->value().is_array()) {
      for (const auto& m : f->value().as_array()) add(m);
    }
    if (auto cr = c.find("crash"); cr != c.end() && cr->value().is_object()) {
      for (const auto& [k, v] : cr->value().as_object()) add(v);
    }
  }
  if (auto f = group.find("failures");
      f != group.end() && f->value().is_array()) {
    for (const auto& m : f->value().as_array()) add(m);
  }
  if (auto l = group.find("load_failed"); l != group.end()) add(l->value());
  if (auto c = group.find("crashes");
      c != group.end() && c->value().is_array()) {
    for (const auto& crash : c->value().as_array()) {
      if (crash.is_object()) {
        for (const auto& [k, v] : crash.as_object()) add(v);
      }
    }
  }
  return out;
}

/// The kit's groups, in run order.
inline const std::vector<std::string>& kit_groups() {
  static const std::vector<std::string> names{
      "loading", "required", "ops", "gradients", "errors", "lifecycle"};
  return names;
}

}  // namespace tensorplug::test::conformance
