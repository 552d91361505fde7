// Backends that break one edge of the contract each (tests/fixtures/
// fixture_wrapper.c: the reference backend with one defect): the edges that
// docs/plugin-abi.md (TP_ABI_16 to TP_ABI_22) and docs/ops.md (TP_OPS_1,
// TP_OPS_2) decide. The kit's errors group (lifecycle for TP_ABI_22) must
// fail exactly the cases of the broken rule, on the right entry; the
// reference itself passes them (reference_run_test.cpp runs it whole).
#include <catch2/catch.hpp>
#include <fixture_paths.hpp>
#include <string>

#include "kit_run.hpp"

using namespace tensorplug::test;
using namespace tensorplug::test::conformance;

namespace {

std::string failures_of(const boost::json::object& c) {
  std::string out;
  if (auto f = c.find("failures"); f != c.end() && f->value().is_array()) {
    for (const auto& m : f->value().as_array()) out += str(m) + "\n";
  }
  return out;
}

/// Runs the errors group of `entry` on `fixture` and checks that it fails,
/// that only `entry` fails, and that every failed case is one of `rule`'s
/// (its name cites the rule). Returns the failed cases as JSON text.
std::string expect_rule_broken(const char* fixture, const std::string& entry,
                               const std::string& rule,
                               const Environment& env = {},
                               const std::string& group_name = "errors") {
  TempDir dir;
  const KitRun run =
      run_kit(fixture, dir, env, {"--group", group_name, "--entry", entry});
  INFO(run.describe());
  REQUIRE(run.process.exited());
  CHECK(run.process.exit_code == 1);
  CHECK(entries_with(run.report, "failed") == std::vector<std::string>{entry});
  int failed = 0;
  std::string text;
  for (const auto& c : cases_of(group(run.report, group_name))) {
    if (str(c.at("status")) != "failed") continue;
    const std::string name = str(c.at("name"));
    INFO("failed case: " << name << "\n" << failures_of(c));
    CHECK(str(c.at("entry")) == entry);
    CHECK(name.find("(" + rule + ")") != std::string::npos);
    // The whole case: its name, failures and, for a crash, the signal.
    text += boost::json::serialize(c) + "\n";
    ++failed;
  }
  CHECK(failed > 0);
  return text;
}

}  // namespace

TEST_CASE(
    "The kit fails a backend whose variable refuses an empty value with NULL "
    "data (TP_ABI_16)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kEmptyDataRefused, "variable", "TP_ABI_16");
  CHECK(text.find("variable refused an empty value with NULL data") !=
        std::string::npos);
}

TEST_CASE(
    "The kit fails a backend that writes through a NULL tp_error* "
    "(TP_ABI_17), naming the crash",
    "[conformance][contract]") {
  // The write is a real SIGSEGV; under ASan let it be one (see
  // defect_fixtures_test.cpp).
  const std::string text = expect_rule_broken(
      fixtures::kNullErrorWritten, "placeholder", "TP_ABI_17",
      {{"ASAN_OPTIONS", "handle_segv=0:detect_leaks=0"}});
  CHECK(text.find("SIGSEGV") != std::string::npos);
}

TEST_CASE(
    "The kit fails a backend that overwrites a message already in tp_error "
    "without releasing it (TP_ABI_18)",
    "[conformance][contract]") {
  const std::string text = expect_rule_broken(fixtures::kMessageOverwritten,
                                              "placeholder", "TP_ABI_18");
  CHECK(text.find("without calling its release") != std::string::npos);
}

TEST_CASE(
    "The kit fails a backend whose tensor_info reports a NULL name for an "
    "unnamed tensor (TP_ABI_19)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kNullName, "tensor_info", "TP_ABI_19");
  CHECK(text.find("reports a NULL name") != std::string::npos);
}

TEST_CASE(
    "The kit fails a backend whose gradients shares one reference between "
    "the slots of a repeated target (TP_ABI_20)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kSharedGradient, "gradients", "TP_ABI_20");
  CHECK(text.find("is unusable once result 0 was released") !=
        std::string::npos);
}

TEST_CASE(
    "The kit fails a backend whose relu refuses INT values for FLOAT "
    "attributes (TP_ABI_21)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kIntAttrRefused, "relu", "TP_ABI_21");
  CHECK(text.find("refused INT values for FLOAT attributes") !=
        std::string::npos);
}

TEST_CASE(
    "The kit fails a backend whose sum reports an out-of-range axis as "
    "TP_ERROR_SHAPE (TP_OPS_2)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kAxisShapeStatus, "sum", "TP_OPS_2");
  CHECK(text.find("failed with TP_ERROR_SHAPE") != std::string::npos);
}

TEST_CASE(
    "The kit fails a backend whose add of (None,) and (1,) has static shape "
    "(1,) (TP_OPS_1)",
    "[conformance][contract]") {
  const std::string text =
      expect_rule_broken(fixtures::kBroadcastNone1, "add", "TP_OPS_1");
  CHECK(text.find("(None,) and (1,) has static shape (1,); expected (None,)") !=
        std::string::npos);
}

TEST_CASE(
    "The kit fails a backend that overwrites a result the host still holds "
    "(TP_ABI_22)",
    "[conformance][contract]") {
  const std::string text = expect_rule_broken(
      fixtures::kOutputOverwritten, "function", "TP_ABI_22", {}, "lifecycle");
  CHECK(text.find("held while the backend made") != std::string::npos);
}
