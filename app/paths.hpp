// Where Loopscope finds the files it ships beside its binary: the Python
// tracer and the assets. One place, so the installed program and the one in
// the build folder look the same way.
//
// An installed tree keeps them under <prefix>/share/loopscope/, found from
// the executable (/proc/self/exe), so the tree works wherever it is put: /usr,
// /usr/local, or a folder `dpkg-deb -x` unpacked. A binary with no such tree
// beside it (the build folder) uses the source tree it was built from.
#pragma once

#include <filesystem>

namespace loopscope {

// The folder holding the running executable; empty if the kernel will not say.
std::filesystem::path executable_dir();

// The data folder for an executable in `exe_dir`: the installed one beside
// it when that exists, else the source tree.
std::filesystem::path data_dir_for(const std::filesystem::path& exe_dir);

// The folder of the assets (icon, and what the window loads at run time).
std::filesystem::path asset_dir();

// The tracer's entry point, run as `python3 <tracer_script()> ...`.
std::filesystem::path tracer_script();

// The lessons' Python twins: <lesson_dir()>/03_gather/lesson.py.
std::filesystem::path lesson_dir();
// The example scripts the "Your code" page starts from: <example_dir()>/gather.py.
std::filesystem::path example_dir();

}  // namespace loopscope
