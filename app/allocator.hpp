// The process's operator new (app/allocator.cpp).
#pragma once

namespace loopscope {

// Whether an allocation has ever failed in this process: when memory runs
// out, even the std::bad_alloc may not be made, and std::terminate is all
// that is left to say why.
bool allocation_failed() noexcept;

}  // namespace loopscope
