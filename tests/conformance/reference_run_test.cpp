// The kit on the reference backend: every group passes, and the JUnit report
// is XML a CI system can read, consistent with the JSON report.
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "kit_run.hpp"

namespace pt = boost::property_tree;
using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

namespace {

// Counts the elements named `name` anywhere below `tree`.
int count_elements(const pt::ptree& tree, const std::string& name) {
  int n = 0;
  for (const auto& [key, child] : tree) {
    if (key == name) ++n;
    n += count_elements(child, name);
  }
  return n;
}

}  // namespace

TEST_CASE(
    "The kit passes every group on the reference backend and writes a JUnit "
    "report that matches its JSON report",
    "[conformance]") {
  TempDir dir;
  const KitRun run = run_kit("reference", dir);
  INFO(run.describe());
  REQUIRE(run.process.exited());
  CHECK(run.process.exit_code == 0);
  CHECK(passed_field(run.report) == "true");
  CHECK(entries_with(run.report, "failed").empty());
  // The required entries and a few ops were really tested.
  const auto passed = entries_with(run.report, "passed");
  for (const char* entry : {"placeholder", "variable", "function", "dot",
                            "relu", "add", "gradients"}) {
    INFO(entry);
    CHECK(std::find(passed.begin(), passed.end(), entry) != passed.end());
  }
  std::size_t json_cases = 0;
  for (const std::string& name : kit_groups()) {
    INFO("group " << name);
    const auto& g = group(run.report, name);
    CHECK(status_of(g) == "passed");
    CHECK_FALSE(cases_of(g).empty());
    json_cases += cases_of(g).size();
  }

  REQUIRE(std::filesystem::exists(run.junit_file));
  pt::ptree xml;
  REQUIRE_NOTHROW(pt::read_xml(run.junit_file.string(), xml));
  REQUIRE(xml.size() == 1);
  const auto& [root_name, root] = *xml.begin();
  CHECK(root_name == "testsuites");
  CHECK(root.get<int>("<xmlattr>.failures") == 0);
  CHECK(root.get<int>("<xmlattr>.errors") == 0);
  std::vector<std::string> suites;
  int testcases = 0;
  for (const auto& [key, suite] : root) {
    if (key != "testsuite") continue;
    suites.push_back(suite.get<std::string>("<xmlattr>.name"));
    int in_suite = 0;
    for (const auto& [case_key, testcase] : suite) {
      if (case_key != "testcase") continue;
      ++in_suite;
      CHECK_FALSE(testcase.get<std::string>("<xmlattr>.name").empty());
    }
    CHECK(suite.get<int>("<xmlattr>.tests") == in_suite);
    testcases += in_suite;
  }
  CHECK(suites == kit_groups());
  CHECK(root.get<int>("<xmlattr>.tests") == testcases);
  // Every case the JSON report lists is a JUnit testcase (the reference
  // provides every entry, so there are no "not provided" testcases).
  CHECK(static_cast<std::size_t>(testcases) == json_cases);
  CHECK(count_elements(root, "failure") == 0);
  CHECK(count_elements(root, "error") == 0);
}
