// Reading memory ahead of its use. A prefetch instruction is only a hint,
// and is dropped where the address misses the TLB (as most addresses of a
// large run's tasks do, on a virtual machine above all); a load is not.
#pragma once

namespace loopscope::detail {

// Loads a byte at p and keeps the load, though nothing uses its value.
inline void touch(const void* p) {
  const char c = *static_cast<const volatile char*>(p);
  asm volatile("" : : "r"(c));
}

// Keeps a value computed only for the loads behind it.
template <class T>
inline void touch_value(const T& v) {
  asm volatile("" : : "r"(v));
}

}  // namespace loopscope::detail
