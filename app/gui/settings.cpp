#include "app/gui/settings.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace loopscope::gui {

std::string settings_path() {
  std::string dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    dir = xdg;
  else if (const char* home = std::getenv("HOME"); home && *home)
    dir = std::string(home) + "/.config";
  else
    return {};
  return dir + "/loopscope/settings.ini";
}

settings load_settings(const std::string& path) {
  settings s;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    try {
      if (key == "x") s.x = std::stoi(value);
      if (key == "y") s.y = std::stoi(value);
      if (key == "width") s.width = std::clamp(std::stoi(value), 640, 16384);
      if (key == "height") s.height = std::clamp(std::stoi(value), 480, 16384);
      if (key == "dark") s.dark = value == "1";
      if (key == "font_scale") s.font_scale = std::clamp(std::stof(value), font_scale_min, font_scale_max);
      if (key == "page") s.page = value;
      if (key == "done") {
        std::stringstream ids(value);
        for (std::string id; std::getline(ids, id, ',');)
          if (!id.empty()) s.done.insert(id);
      }
    } catch (const std::exception&) {
      // A damaged line is skipped; the default stands.
    }
  }
  return s;
}

bool save_settings(const settings& s, const std::string& path) {
  if (path.empty()) return false;
  const std::string dir = path.substr(0, path.rfind('/'));
  ::mkdir(dir.substr(0, dir.rfind('/')).c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  std::ofstream out(path, std::ios::trunc);
  out << "x=" << s.x << "\ny=" << s.y << "\nwidth=" << s.width << "\nheight=" << s.height << "\ndark=" << s.dark
      << "\nfont_scale=" << s.font_scale << "\npage=" << s.page << "\ndone=";
  for (const auto& id : s.done) out << id << ",";
  out << "\n";
  out.close();
  return static_cast<bool>(out);
}

}  // namespace loopscope::gui
