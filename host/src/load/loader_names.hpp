// The names the system loader is given for plugin files (not public).
//
// A plugin is loaded through the descriptor it was validated by, as
// /proc/self/fd/N. glibc's dlopen first looks for an object in memory that
// answers to the name it is given — the name the object was loaded by, or a
// name added when another name reached the same file (same device and inode)
// — and returns that object without opening anything. A library that stays
// in memory after its last dlclose (linked -z nodelete, a thread_local with a
// destructor, a STB_GNU_UNIQUE symbol, a reference held by someone else) goes
// on answering to /proc/self/fd/N after N is closed, so the next plugin opened
// as N would be handed the old library instead of being loaded.
//
// So the host keeps, per file in memory that it loaded, the numbers of the
// names it gave the loader for it, and reserves them while the object is in
// memory: no other file is loaded by such a name, and the next load of the
// same file asks the loader for that object by the first of them with
// RTLD_NOLOAD (which never loads anything) instead of adding a name per load.
#pragma once

#include <functional>
#include <string>

namespace tensorplug::detail {

class MappedFile;

/// What one load was answered with; kept until the matching unload.
struct LoaderTicket {
  /// The object (its link_map), or null before a load.
  void* object = nullptr;
};

/// Loads `file` through `dlopen_by(name, no_load)`, which returns the
/// native handle (null when `no_load` and nothing answered) and throws
/// when the system loader refuses the file. First moves the descriptor past
/// every reserved number. `unload()` undoes a dlopen_by that answered with
/// an object other than the file's (it never happens unless someone else
/// loads by our names). `what` names the file in errors.
LoaderTicket load_through_descriptor(
    MappedFile& file, const std::string& what,
    const std::function<void*(const std::string& name, bool no_load)>&
        dlopen_by,
    const std::function<void()>& unload);

/// The name the loader is to be given for `file` now: /proc/self/fd/N,
/// after moving the descriptor past every reserved number (for a trial load
/// in a child process, which must not be handed an object in memory
/// either). Throws LoadError when no number is free.
std::string fresh_loader_name(MappedFile& file, const std::string& what);

/// After the dlclose that matches `ticket`, with `file` (the descriptor of
/// that load) still open.
void loader_unloaded(const LoaderTicket& ticket,
                     const MappedFile& file) noexcept;

}  // namespace tensorplug::detail
