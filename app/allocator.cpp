// operator new and delete over mimalloc, as the standard describes them.
// mimalloc's own operator new is C: it cannot throw, and when memory runs
// out (ulimit -v) it aborts the process without a word. This one throws
// std::bad_alloc, which the command line reports in one line and exit 1.
#include "app/allocator.hpp"

#include <atomic>

namespace {
std::atomic<bool> failed{false};
}

bool loopscope::allocation_failed() noexcept { return failed.load(std::memory_order_relaxed); }

#if defined(LOOPSCOPE_MIMALLOC)

#include <mimalloc.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

void* allocate(std::size_t n, std::size_t alignment) {
  for (;;) {
    void* p = alignment <= alignof(std::max_align_t) ? mi_malloc(n) : mi_malloc_aligned(n, alignment);
    if (p != nullptr) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      // Told before the throw: with no memory left, the exception itself
      // may not be made, and the process ends in std::terminate instead.
      failed.store(true, std::memory_order_relaxed);
      throw std::bad_alloc();
    }
    handler();
  }
}

void* allocate_or_null(std::size_t n, std::size_t alignment) noexcept {
  try {
    return allocate(n, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

constexpr std::size_t plain = alignof(std::max_align_t);
std::size_t of(std::align_val_t a) { return static_cast<std::size_t>(a); }

}  // namespace

void* operator new(std::size_t n) { return allocate(n, plain); }
void* operator new[](std::size_t n) { return allocate(n, plain); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, of(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, of(a)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate_or_null(n, plain); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate_or_null(n, plain); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, of(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_or_null(n, of(a));
}

void operator delete(void* p) noexcept { mi_free(p); }
void operator delete[](void* p) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t) noexcept { mi_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { mi_free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { mi_free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { mi_free(p); }

void loopscope::start_with_large_pages(char** argv) noexcept {
  // Set by the user (who decides), or by the start before this one.
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") != nullptr) return;
  if (::setenv("MIMALLOC_LARGE_OS_PAGES", "1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Not started again (no /proc): the heap's later blocks still get them.
  mi_option_set(mi_option_large_os_pages, 1);
}

#else

void loopscope::start_with_large_pages(char**) noexcept {}

#endif
