// The process's operator new (app/allocator.cpp).
#pragma once

namespace loopscope {

// Whether an allocation has ever failed in this process: when memory runs
// out, even the std::bad_alloc may not be made, and std::terminate is all
// that is left to say why.
bool allocation_failed() noexcept;

// A run of a million tasks holds gigabytes of coroutine frames at once, and
// on a machine that faults memory in 4 KiB page by page, the faults cost
// more than the run (./dev bench shows it). mimalloc takes 2 MiB pages
// (transparent huge pages) when MIMALLOC_LARGE_OS_PAGES is set as the
// process starts: it reads it before any code of ours runs, and the C++
// runtime's first allocation makes its first 32 MiB then. So the process,
// first thing, starts itself again once with it set. A value the user set
// is left as it is.
void start_with_large_pages(char** argv) noexcept;

}  // namespace loopscope
