// Fuzz target: the ELF reader (check_binary_format + read_dynamic_exports),
// on the bytes of one candidate library. Must never crash, hang or read
// outside the input; ASan and UBSan (the fuzz preset) check it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "inspect/binary_format.hpp"
#include "inspect/elf_dynamic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::span<const unsigned char> bytes(data, size);
  if (tensorplug::detail::check_binary_format(bytes).empty()) {
    (void)tensorplug::detail::read_dynamic_exports(bytes, "tp_");
  }
  // Also without the header check, as a caller skipping it would.
  if (size >= 64) (void)tensorplug::detail::read_dynamic_exports(bytes, "");
  return 0;
}
