// The JSON report (see report_json.hpp).
#include "runner/report_json.hpp"

#include <boost/json/serialize.hpp>

namespace tensorplug::conformance::runner {
namespace {

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array out;
  for (const std::string& s : v) out.emplace_back(s);
  return out;
}

boost::json::object crash_json(const CrashInfo& c) {
  boost::json::object o{{"kind", c.kind},
                        {"description", c.description},
                        {"log_tail", c.log_tail}};
  if (!c.signal.empty()) o["signal"] = c.signal;
  return o;
}

boost::json::object group_json(const GroupResult& g) {
  boost::json::object o;
  o["name"] = g.name;
  o["status"] = group_status_name(group_status(g));
  for (const CrashInfo& c : g.crashes) {
    if (!c.signal.empty()) {
      o["signal"] = c.signal;  // the first signal; all are in "crashes"
      break;
    }
  }
  o["restarts"] = g.restarts;
  o["seconds"] = g.seconds;
  if (g.load_failed) o["load_failed"] = *g.load_failed;
  boost::json::array cases;
  for (const CaseResult& c : g.cases) {
    boost::json::object co{{"index", c.index},
                           {"entry", c.entry},
                           {"name", c.name},
                           {"status", case_status_name(c.status)},
                           {"failures", strings(c.failures)},
                           {"seconds", c.seconds}};
    if (!c.reason.empty()) co["reason"] = c.reason;
    if (c.crash) co["crash"] = crash_json(*c.crash);
    cases.push_back(std::move(co));
  }
  o["cases"] = std::move(cases);
  boost::json::array not_provided;
  for (const auto& [entry, detail] : g.not_provided) {
    not_provided.push_back(
        boost::json::object{{"entry", entry}, {"detail", detail}});
  }
  o["not_provided"] = std::move(not_provided);
  o["failures"] = strings(g.failures);
  boost::json::array crashes;
  for (const CrashInfo& c : g.crashes) crashes.push_back(crash_json(c));
  o["crashes"] = std::move(crashes);
  return o;
}

}  // namespace

boost::json::value report_json(const RunResult& run, const Summary& s) {
  const BackendInfo& b = run.backend;
  boost::json::object out;
  out["target"] = b.target;
  out["backend"] = b.backend;
  out["library"] = b.library;
  out["description"] = b.description;
  out["api_version"] = b.api_version;
  out["dtypes"] = strings(b.dtypes);
  out["dtypes_source"] = b.dtypes_source;
  out["passed"] = s.passed;
  boost::json::array groups;
  for (const GroupResult& g : run.groups) groups.push_back(group_json(g));
  out["groups"] = std::move(groups);
  boost::json::object entries;
  for (const auto& [entry, verdict] : entry_verdicts(run.groups)) {
    entries[entry] = verdict;
  }
  out["entries"] = std::move(entries);
  out["summary"] =
      boost::json::object{{"groups", s.groups},
                          {"groups_passed", s.groups_passed},
                          {"cases", s.cases},
                          {"cases_passed", s.cases_passed},
                          {"cases_failed", s.cases_failed},
                          {"cases_skipped", s.cases_skipped},
                          {"crashes", s.crashes},
                          {"entries_tested", s.entries_tested},
                          {"entries_passed", s.entries_passed},
                          {"entries_failed", s.entries_failed},
                          {"entries_not_provided", s.entries_not_provided},
                          {"failed_entries", strings(s.failed_entries)},
                          {"group_problems", strings(s.group_problems)},
                          {"seconds", run.seconds}};
  return out;
}

std::string render_json(const RunResult& run, const Summary& summary) {
  return boost::json::serialize(report_json(run, summary)) + "\n";
}

}  // namespace tensorplug::conformance::runner
