#include "load/loader_names.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <link.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "inspect/mapped_file.hpp"
#include "tensorplug/errors.hpp"

namespace tensorplug::detail {
namespace {

std::string name_of(int number) {
  return fmt::format("/proc/self/fd/{}", number);
}

/// A file in memory that the host loaded.
struct Object {
  link_map* map = nullptr;
  /// The object's own name (l_name) and base address, by which the list of
  /// objects in memory shows whether it is still there.
  std::string own;
  std::uintptr_t base = 0;
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

/// Whether the object is still in the loader's list (no system call).
bool in_memory(const Object& object) {
  struct Wanted {
    const char* name;
    std::uintptr_t base;
  } wanted{object.own.c_str(), object.base};
  return ::dl_iterate_phdr(
             [](dl_phdr_info* info, std::size_t, void* data) {
               const auto* w = static_cast<const Wanted*>(data);
               return info->dlpi_addr == w->base &&
                              info->dlpi_name != nullptr &&
                              std::strcmp(info->dlpi_name, w->name) == 0
                          ? 1
                          : 0;
             },
             &wanted) != 0;
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
void record(Registry& r, const FileId& id, link_map* map, int number) {
  Object& o = r.objects[id];
  if (o.map != map) {
    // New, or a registration of an object that is gone (its holders have
    // unloaded it and not yet said so): describe the one in memory now.
    o.map = map;
    o.own = map->l_name != nullptr ? map->l_name : "";
    o.base = map->l_addr;
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
    const std::lock_guard<std::mutex> lock(r.mutex);
    Object& o = r.objects[id];
    --o.pending;
    if (map != nullptr && map == o.map) {
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
  const std::lock_guard<std::mutex> lock(r.mutex);
  record(r, id, map, file.fd());
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
