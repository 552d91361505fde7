// The child side of a run: one group, in this process, through a Catch2
// session whose listener routes assertion failures to the running case.
#define CATCH_CONFIG_RUNNER
// Catch2 writes through Catch::cout() etc., defined below as std::cerr: in a
// child that is the group's log, with --no-isolate the terminal, and stdout
// stays free for --json. (Reopening /dev/stderr instead would truncate the
// log and overwrite what the plugin itself wrote there.)
#define CATCH_CONFIG_NOSTDOUT
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "events.hpp"
#include "kit.hpp"
#include "values.hpp"

namespace Catch {
std::ostream& cout() { return std::cerr; }
std::ostream& cerr() { return std::cerr; }
std::ostream& clog() { return std::cerr; }
}  // namespace Catch

namespace tensorplug::conformance {
namespace {

/// Turns every failed Catch2 assertion into a failure of the running case.
class KitListener : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  bool assertionEnded(const Catch::AssertionStats& stats) override {
    const Catch::AssertionResult& r = stats.assertionResult;
    if (r.isOk()) return true;
    // infoMessages holds INFO/CAPTURE messages and, last, the assertion's
    // own message (FAIL_CHECK's text), which Catch2 copies there.
    std::vector<std::string> parts;
    for (const auto& info : stats.infoMessages) parts.push_back(info.message);
    if (r.hasExpression()) {
      parts.push_back(fmt::format("{} failed, with expansion: {}",
                                  r.getExpressionInMacro(),
                                  r.getExpandedExpression()));
    }
    std::string message = fmt::format("{}", fmt::join(parts, "\n"));
    const auto& where = r.getSourceInfo();
    message += fmt::format(
        " [{}:{}]", std::filesystem::path(where.file).filename().string(),
        where.line);
    Kit::instance().record_failure(std::move(message));
    return true;
  }
};

CATCH_REGISTER_LISTENER(KitListener)

}  // namespace

int run_group(const KitOptions& options, std::string_view group,
              const std::filesystem::path& events_file, std::size_t start_at) {
  if (std::find(kGroups.begin(), kGroups.end(), group) == kGroups.end()) {
    std::cerr << fmt::format("tensorplug-conformance: unknown group `{}`\n",
                             group);
    return 2;
  }
  std::FILE* events = std::fopen(events_file.c_str(), "a");
  if (events == nullptr) {
    std::cerr << fmt::format(
        "tensorplug-conformance: cannot write events file {}\n",
        events_file.string());
    return 2;
  }
  Kit& kit = Kit::instance();
  kit.configure(options);
  kit.set_start_at(start_at);
  kit.set_event_sink([events](const std::string& line) {
    std::fputs(line.c_str(), events);
    std::fputc('\n', events);
    std::fflush(events);  // survives a crash of the plugin afterwards
  });

  boost::json::object start{{"event", "group_start"}, {"group", group}};
  std::string load_failure;
  // The loading group loads the backend inside its cases, so that a crash
  // or hang in dlopen or context_init is charged to the case that did it.
  // (Kit::backend reports the backend's details in a "backend" event.)
  if (group != "loading") {
    try {
      kit.backend();
    } catch (const std::exception& e) {
      load_failure = e.what();
    }
  }
  kit.emit(boost::json::serialize(start));
  // Without its oracle the kit can judge nothing: say so once, instead of
  // failing every case that compares with the reference.
  std::string oracle_failure;
  try {
    kit.reference();
  } catch (const std::exception& e) {
    oracle_failure = fmt::format(
        "the reference backend, the kit's oracle, cannot be loaded (is "
        "tensorplug installed completely?): {}",
        e.what());
  }
  if (!oracle_failure.empty()) {
    kit.emit(boost::json::serialize(boost::json::object{
        {"event", "load_failed"}, {"message", oracle_failure}}));
  } else if (!load_failure.empty() && group != "loading") {
    kit.emit(boost::json::serialize(boost::json::object{
        {"event", "load_failed"}, {"message", load_failure}}));
  } else {
    // Catch2 allows one Session per process (--no-isolate runs several
    // groups in one); each run gets fresh configuration data, since parsing
    // a command line again would add to the previous test spec.
    static Catch::Session session;
    Catch::ConfigData data;
    data.testsOrTags = {fmt::format("[{}]", group)};
    data.runOrder = Catch::RunTests::InDeclarationOrder;
    data.useColour = Catch::UseColour::No;
    session.useConfigData(data);
    session.run();
    if (kit.cases_enumerated() == 0 && kit.not_provided_reports() == 0 &&
        options.only_entries.empty()) {
      kit.record_failure(fmt::format(
          "the group `{}` enumerated no case and reported no entry as not "
          "provided: nothing was tested",
          group));
    }
  }
  kit.emit(R"({"event":"group_end"})");
  kit.set_event_sink(nullptr);
  std::fclose(events);
  return 0;
}

}  // namespace tensorplug::conformance
