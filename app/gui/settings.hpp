// What the window remembers between runs: its geometry, the theme, the page
// and the lessons seen to the end. A plain key=value file. No ImGui here.
#pragma once

#include <set>
#include <string>

namespace loopscope::gui {

constexpr float font_scale_min = 0.7f, font_scale_max = 2.5f;

struct settings {
  int x = -1, y = -1, width = 1440, height = 900;
  bool dark = true;
  float font_scale = 1;        // Ctrl + / Ctrl - / Ctrl 0, for a projector
  std::string page = "await";  // a first launch opens lesson 1
  std::set<std::string> done;  // lessons whose run the learner has seen to the end
};

// ~/.config/loopscope/settings.ini (or under $XDG_CONFIG_HOME); empty when
// there is no home to keep it in.
std::string settings_path();

// A missing file gives the defaults; a damaged line is skipped, its default
// stands.
settings load_settings(const std::string& path);
// Makes the folder when it is missing; false when the file cannot be written.
bool save_settings(const settings& s, const std::string& path);

}  // namespace loopscope::gui
