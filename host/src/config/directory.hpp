// Which directory holds keras.json: ConfigOptions::config_dir, else
// $<prefix>_HOME, else ~/.keras, else the per-user fallback.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "tensorplug/config.hpp"
#include "tensorplug/export.hpp"

namespace tensorplug::detail {

/// A directory and where it came from. `dir` is empty when none is usable.
struct DirChoice {
  std::filesystem::path dir;
  Source source;
};

/// $HOME when set and non-empty, else the passwd entry of the effective user
/// (%USERPROFILE% on Windows); nullopt when neither is known.
std::optional<std::filesystem::path> home_directory();

/// Expands a leading "~" or "~/..." (home_directory()) and "~user/..." (the
/// passwd entry); other text, or an unknown user, is returned unchanged.
std::filesystem::path expand_tilde(std::string_view text);

/// Whether the current user may create files in `dir` (effective ids).
bool is_writable(const std::filesystem::path& dir);

using WritableProbe = std::function<bool(const std::filesystem::path&)>;

/// The directory without <prefix>_HOME or config_dir, as Keras chooses it
/// but with a private fallback: `home`/.keras when its keras.json exists (in
/// any form, even when the directory is read-only) or when .keras (or, while
/// .keras is missing, `home`) is writable; otherwise `fallback`, with
/// Source::Kind::kFallback and the reason. Only inspects, creates nothing.
DirChoice choose_default_dir(const std::optional<std::filesystem::path>& home,
                             const std::filesystem::path& fallback,
                             const WritableProbe& writable);

/// The directory for `options` (config_dir, then <prefix>_HOME when set and
/// non-empty, then choose_default_dir()). Creates nothing; a fallback that
/// exists is verified and, when refused, gives an empty `dir`.
DirChoice resolve_config_dir(const ConfigOptions& options);

}  // namespace tensorplug::detail
