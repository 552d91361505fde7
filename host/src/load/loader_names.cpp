#include "load/loader_names.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>  // link_map, only ever compared
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "inspect/mapped_file.hpp"
#include "tensorplug/errors.hpp"
#include "tensorplug/plugin_api.h"

namespace tensorplug::detail {
namespace {

std::string name_of(int number) {
  return fmt::format("/proc/self/fd/{}", number);
}

/// A file in memory that the host loaded.
struct Object {
  link_map* map = nullptr;
  /// The object's own name and start address, by which the loader shows
  /// whether it is still in memory (null: unknown, taken as gone).
  std::string own;
  const void* base = nullptr;
  /// The numbers of the names the host gave the loader for it: its own name
  /// when the host loaded it first, names the loader added otherwise.
  std::vector<int> numbers;
  int holders = 0;  // loads not yet unloaded
  int pending = 0;  // loads between looking it up and dlopen
};

using FileId = std::pair<dev_t, ino_t>;

struct Registry {
  std::mutex mutex;
  std::map<FileId, Object> objects;

  bool reserved(int number) const {
    return std::any_of(objects.begin(), objects.end(), [&](const auto& o) {
      const auto& n = o.second.numbers;
      return std::find(n.begin(), n.end(), number) != n.end();
    });
  }
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: unloads run late
  return *r;
}

FileId id_of(const MappedFile& file) {
  return {file.status().st_dev, file.status().st_ino};
}

link_map* object_of(void* handle) {
  link_map* map = nullptr;
  if (handle == nullptr || ::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0) {
    return nullptr;
  }
  return map;
}

/// Copies a string the system loader owns (an object's name). The loader
/// writes it once, before the dlopen that made the object reachable returns,
/// and frees it only under its own lock, which ThreadSanitizer cannot see (the
/// loader is not instrumented): a plain read would be reported as a race with
/// the allocation, and a report made while another thread is inside dlopen
/// can deadlock. So this one loop is not instrumented.
[[gnu::no_sanitize("thread"), gnu::noinline]] std::string loader_string(
    const char* text) {
  std::string out;
  if (text == nullptr) return out;
  for (const char* p = text; *p != '\0'; ++p) out.push_back(*p);
  return out;
}

/// The own name and start address of the object `handle` refers to, asked
/// of the loader (dladdr of its tp_negotiate_version, which validation found
/// in its dynamic symbol table).
bool identify(void* handle, std::string& own, const void*& base) {
  void* entry = ::dlsym(handle, TP_ENTRY_NEGOTIATE_VERSION);
  Dl_info info{};
  if (entry == nullptr || ::dladdr(entry, &info) == 0 ||
      info.dli_fname == nullptr) {
    return false;
  }
  own = loader_string(info.dli_fname);
  base = info.dli_fbase;
  return true;
}

/// Whether the object is still in memory: an object with its own name still
/// starts at its start address.
bool in_memory(const Object& object) {
  Dl_info info{};
  return object.base != nullptr && ::dladdr(object.base, &info) != 0 &&
         info.dli_fbase == object.base &&
         loader_string(info.dli_fname) == object.own;
}

/// With the registry locked: forgets the file once nothing of the host's
/// holds it and the loader has let it go. While it stays in memory (held by
/// someone else, or never unloaded), its numbers stay reserved.
void forget_if_gone(Registry& r, const FileId& id) {
  const auto it = r.objects.find(id);
  if (it == r.objects.end() || it->second.holders > 0 ||
      it->second.pending > 0) {
    return;
  }
  if (!in_memory(it->second)) r.objects.erase(it);
}

/// With the registry locked.
void move_past_reserved(Registry& r, MappedFile& file,
                        const std::string& what) {
  while (r.reserved(file.fd())) {
    if (!file.move_descriptor(file.fd() + 1)) {
      throw LoadError(fmt::format(
          "Cannot load {}: no file descriptor is free for the system loader "
          "(every number past {} is in use)",
          what, file.fd()));
    }
  }
}

/// With the registry locked: the file is `map`, answering to `number`.
void record(Registry& r, const FileId& id, link_map* map, int number,
            std::string own, const void* base) {
  Object& o = r.objects[id];
  if (o.map != map) {
    // New, or a registration of an object that is gone (its holders have
    // unloaded it and not yet said so): describe the one in memory now.
    o.map = map;
    o.own = std::move(own);
    o.base = base;
    o.numbers.clear();
  }
  if (std::find(o.numbers.begin(), o.numbers.end(), number) ==
      o.numbers.end()) {
    o.numbers.push_back(number);
  }
  ++o.holders;
}

}  // namespace

std::string fresh_loader_name(MappedFile& file, const std::string& what) {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  move_past_reserved(r, file, what);
  return name_of(file.fd());
}

LoaderTicket load_through_descriptor(
    MappedFile& file, const std::string& what,
    const std::function<void*(const std::string& name, bool no_load)>&
        dlopen_by,
    const std::function<void()>& unload) {
  Registry& r = registry();
  const FileId id = id_of(file);
  // The file in memory already, loaded by the host: ask for that object by
  // a name it answers to. RTLD_NOLOAD loads nothing, whatever the name
  // names now.
  int known = -1;
  {
    const std::lock_guard<std::mutex> lock(r.mutex);
    if (const auto it = r.objects.find(id);
        it != r.objects.end() && !it->second.numbers.empty()) {
      ++it->second.pending;
      known = it->second.numbers.front();
    }
  }
  if (known >= 0) {
    void* handle = dlopen_by(name_of(known), true);
    link_map* map = object_of(handle);
    std::string own;
    const void* base = nullptr;
    if (map != nullptr && !identify(handle, own, base)) map = nullptr;
    const std::lock_guard<std::mutex> lock(r.mutex);
    Object& o = r.objects[id];
    --o.pending;
    // The same object: same link map, own name and start address (a name
    // the host reserved is nobody else's own name).
    if (map != nullptr && map == o.map && own == o.own && base == o.base) {
      ++o.holders;
      return {map};
    }
    if (handle != nullptr) unload();  // not the file's object after all
    forget_if_gone(r, id);
  }

  std::string name;
  {
    const std::lock_guard<std::mutex> lock(r.mutex);
    move_past_reserved(r, file, what);
    name = name_of(file.fd());
  }
  // Only this thread holds the descriptor, so nothing reserves its number
  // meanwhile. The loader either loads the file by this name or finds it in
  // memory by device and inode and adds the name to it: both are recorded.
  void* handle = dlopen_by(name, false);
  link_map* map = object_of(handle);
  if (map == nullptr) {
    unload();
    throw LoadError(fmt::format(
        "Cannot load {}: the system loader gives no link map for it", what));
  }
  std::string own;
  const void* base = nullptr;
  if (!identify(handle, own, base)) own.clear();
  const std::lock_guard<std::mutex> lock(r.mutex);
  record(r, id, map, file.fd(), std::move(own), base);
  return {map};
}

void loader_unloaded(const LoaderTicket& ticket,
                     const MappedFile& file) noexcept {
  if (ticket.object == nullptr) return;
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mutex);
  const FileId id = id_of(file);
  if (const auto it = r.objects.find(id); it != r.objects.end()) {
    if (it->second.holders > 0) --it->second.holders;
    forget_if_gone(r, id);
  }
}

}  // namespace tensorplug::detail
