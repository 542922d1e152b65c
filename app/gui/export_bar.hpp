// The export row: where the Chrome trace and the PNG go, the two buttons,
// and the last notice (written, or why not). It only asks; the page writes.
#pragma once

#include <optional>
#include <string>

#include "app/gui/run_set.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

// A picture of a region of the window, in ImGui coordinates, taken by the
// frame loop once the frame is rendered.
// Save PNG: the whole timeline (every variant, every lane) with its
// legend, drawn off screen as wide as it is on screen.
struct png_request {
  std::string path;
  float width = 0;
};

struct export_request {
  std::optional<std::string> trace;  // write the Chrome trace here
  std::optional<std::string> png;    // save the timeline as a PNG here
};

class export_bar {
 public:
  export_request draw(const notice& last, const palette& p);

 private:
  std::string trace_path_ = "loopscope-trace.json";
  std::string png_path_ = "loopscope-timeline.png";
};

}  // namespace loopscope::gui
