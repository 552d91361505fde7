#include "kernels.hpp"

#include <map>
#include <string>

#include "ops/op.hpp"

namespace tptk {
namespace {

/** Op name -> override. Filled by static registrations at load time,
 * read-only afterwards. */
std::map<std::string, Kernel, std::less<>>& overrides() {
  static std::map<std::string, Kernel, std::less<>> table;
  return table;
}

}  // namespace

KernelRegistration::KernelRegistration(const char* op_name, Kernel kernel) {
  overrides()[op_name] = kernel;
}

Kernel kernel_for(const OpDef& op) noexcept {
  const auto& table = overrides();
  auto it = table.find(std::string_view(op.name));
  return it == table.end() ? op.eval : it->second;
}

bool has_override(std::string_view op_name) noexcept {
  return overrides().contains(op_name);
}

}  // namespace tptk
