// The lesson folders the build found, in the order of their numbers, with
// their texts: generated into registered.cpp by embed.cmake. Only
// lesson.cpp reads it.
#pragma once

#include <span>
#include <string_view>

#include "lessons/lesson.hpp"

namespace loopscope::lessons {

struct registered_lesson {
  int number;           // 3 for lessons/03_gather
  std::string_view id;  // "gather"
  lesson (*define)();   // lesson_gather(), defined in the folder's lesson.cpp
  std::string_view prose, code, python;
  std::string_view code_file;  // where the shown code is: "lessons/03_gather/lesson.cpp"
  int code_first_line;         // the line of that file the shown code starts on
};

std::span<const registered_lesson> registered();

}  // namespace loopscope::lessons
