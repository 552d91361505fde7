// Reads a child's events file (JSON lines, see events.hpp) as it grows.
// The child flushes after each line, but it may die in the middle of one:
// a final line without its newline is parsed only at finish(), and ignored
// when it is not valid JSON (a truncated write), never an error.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace tensorplug::conformance::runner {

struct Event {
  std::string type;  ///< the "event" member: "case_start", ...
  boost::json::object fields;

  /// A string member, or `fallback` when absent or not a string.
  std::string str(std::string_view key, std::string_view fallback = {}) const;
  /// An unsigned member (index), or `fallback`.
  std::size_t index(std::string_view key, std::size_t fallback = 0) const;
  /// A number member (seconds), or `fallback`.
  double number(std::string_view key, double fallback = 0) const;
  /// An array-of-strings member; non-strings are skipped.
  std::vector<std::string> strings(std::string_view key) const;
};

class EventReader {
 public:
  /// Appends bytes read from the file; returns the events of the lines they
  /// completed.
  std::vector<Event> feed(std::string_view bytes);
  /// The end of the file: the unterminated last line, if it parses.
  std::vector<Event> finish();
  /// Complete lines that were not JSON objects with an "event" string
  /// (with their line numbers); a child never writes them, so the runner
  /// reports them as group failures.
  const std::vector<std::string>& problems() const { return problems_; }
  /// True when finish() dropped a truncated last line.
  bool truncated() const { return truncated_; }

 private:
  std::vector<Event> parse_line(std::string_view line, bool last);
  std::string pending_;
  std::vector<std::string> problems_;
  std::size_t line_number_ = 0;
  bool truncated_ = false;
};

/// Every event of a whole file's text (tests, --no-isolate).
std::vector<Event> read_events(std::string_view text,
                               std::vector<std::string>* problems = nullptr);

}  // namespace tensorplug::conformance::runner
