// Shared output of the `tensorplug` tool: aligned human-readable reports on
// stdout, errors on stderr, exit codes, and the JSON pieces the commands
// share (docs/cli.md describes every shape).
#pragma once

#include <boost/json.hpp>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tensorplug/backend.hpp"
#include "tensorplug/config.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/inspect.hpp"
#include "tensorplug/resolve.hpp"

namespace tensorplug::cli {

/// Process exit status for a tensorplug error code.
inline int exit_status(ExitCode code) { return static_cast<int>(code); }

/// Exit status for an exception that is not a tensorplug::Error (a bug or
/// resource exhaustion): documented as "internal error".
inline constexpr int kInternalErrorStatus = 1;

/// The stable machine name of an error family ("invalid_backend", ...).
std::string_view error_kind(ExitCode code);

/// A failure captured for output: the code, the family and the message.
struct Failure {
  int status = kInternalErrorStatus;
  std::string kind = "internal";
  std::string message;
};

/// Captures the exception currently being handled.
Failure capture_failure(const std::exception_ptr& error);

/// Options every command receives.
struct GlobalOptions {
  bool verbose = false;
  bool quiet = false;
};

/// Emphasis for one stream: on only for a terminal with NO_COLOR unset.
class Style {
 public:
  /// The style for `stream` (stdout or stderr).
  static Style for_stream(std::FILE* stream);
  static Style plain() { return Style(false); }

  bool enabled() const { return enabled_; }
  std::string bold(std::string_view text) const;
  std::string good(std::string_view text) const;  ///< green
  std::string bad(std::string_view text) const;   ///< bold red
  std::string dim(std::string_view text) const;   ///< faint

 private:
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled_;
};

/// How a value is emphasised in a report.
enum class Tone { kPlain, kGood, kBad, kDim };

/// A human-readable report: titled sections of `label  value  note` rows,
/// with labels aligned across the report and notes aligned per section.
class Report {
 public:
  void section(std::string title);
  void row(std::string label, std::string value, std::string note = {},
           Tone tone = Tone::kPlain);
  /// The report as text (one trailing newline).
  std::string render(const Style& style) const;

 private:
  struct Row {
    std::string label, value, note;
    Tone tone;
  };
  struct Section {
    std::string title;
    std::vector<Row> rows;
  };
  std::vector<Section> sections_;
};

/// "a, b, c", or `none` when empty.
std::string join_or(const std::vector<std::string>& items,
                    std::string_view none = "none");

/// Writes text to stdout / an error to stderr ("tensorplug: error: ...").
void print_out(std::string_view text);
void print_error(const Failure& failure);

// JSON pieces ------------------------------------------------------------

/// A string, or null when empty.
boost::json::value json_string_or_null(std::string_view text);
boost::json::value json_path_or_null(const std::filesystem::path& path);
boost::json::array json_strings(const std::vector<std::string>& items);
/// {"code": 4, "kind": "invalid_backend", "message": "..."}, or null.
boost::json::value json_error(const std::optional<Failure>& failure);
/// {"kind": "file", "detail": "/path" | null} for a Source.
boost::json::object json_source(const Source& source);
/// {"value": ..., "source": "file", "detail": "/path" | null}.
boost::json::object json_settings(const Settings& settings);
/// The LibraryReport's entries, as used by `info` and `check`:
/// required {present, missing}, version_declaration, optional, unknown.
void add_json_entries(boost::json::object& out, const LibraryReport& report);
/// [{"path": "/p" | null, "origin": "TENSORPLUG_PATH"}, ...].
boost::json::array json_search_roots(const std::vector<SearchRoot>& roots);
/// JSON text (as stored in keras.json) as a value; a string when it does not
/// parse; null for nullopt.
boost::json::value json_value_or_null(const std::optional<std::string>& raw);
/// JSON text for people: a string's content without quotes, others as is.
std::string plain_value(const std::string& raw);
/// Serialises with a trailing newline to stdout.
void print_json(const boost::json::value& value);

/// The end of every reporting command: its report on stdout (one JSON
/// object with --json, the human form otherwise), then its failure, if any,
/// on stderr. Returns the exit status.
template <class RenderJson, class RenderHuman>
int emit_report(bool json, const std::optional<Failure>& failure,
                RenderJson&& render_json, RenderHuman&& render_human) {
  if (json) {
    print_json(render_json());
  } else {
    print_out(render_human(Style::for_stream(stdout)));
  }
  if (failure) {
    print_error(*failure);
    return failure->status;
  }
  return exit_status(ExitCode::kSuccess);
}

/// Epsilon as Keras writes it (1e-07).
std::string format_epsilon(double value);

}  // namespace tensorplug::cli
