// The window: GLFW + OpenGL 3.3 core + Dear ImGui, the sidebar, the help,
// settings that outlive a run, and the PNG captures.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "app/gui/gui.hpp"
#include "app/gui/lesson_page.hpp"
#include "app/gui/sandbox_page.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

namespace {

// ---- Settings: window geometry, theme and page, between runs ----

struct settings {
  int x = -1, y = -1, width = 1440, height = 900;
  bool dark = true;
  std::string page = "sandbox";
  std::set<std::string> done;  // lessons whose run the learner has seen to the end
};

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

settings load_settings() {
  settings s;
  std::ifstream in(settings_path());
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

void save_settings(const settings& s) {
  const std::string path = settings_path();
  if (path.empty()) return;
  const std::string dir = path.substr(0, path.rfind('/'));
  ::mkdir(dir.substr(0, dir.rfind('/')).c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  std::ofstream out(path, std::ios::trunc);
  out << "x=" << s.x << "\ny=" << s.y << "\nwidth=" << s.width << "\nheight=" << s.height << "\ndark=" << s.dark
      << "\npage=" << s.page << "\ndone=";
  for (const auto& id : s.done) out << id << ",";
  out << "\n";
}

// ---- Fonts: the system's, or ImGui's own with a notice ----

std::string load_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2010, 0x2027, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x2700, 0x27BF, 0};
  const char* candidates[] = {
      "/usr/share/fonts/opentype/inter/Inter-Regular.otf",
      "/usr/share/fonts/truetype/inter/Inter-Regular.ttf",
      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
      "/usr/share/fonts/truetype/jetbrains-mono/JetBrainsMono-Regular.ttf",
  };
  for (const char* path : candidates) {
    std::ifstream probe(path);
    if (!probe) continue;
    if (io.Fonts->AddFontFromFileTTF(path, 16.0f * scale, nullptr, ranges) != nullptr) return {};
  }
  ImFontConfig config;
  config.SizePixels = 13.0f * scale;
  io.Fonts->AddFontDefault(&config);
  return "No system font found (install fonts-dejavu-core); using ImGui's built-in font.";
}

// ---- Captures ----

// Reads the framebuffer rectangle [x0, x1) × [y0, y1) (ImGui coordinates)
// and writes it as a PNG, top row first.
bool write_png(const std::string& path, float x0, float y0, float x1, float y1, std::string& error) {
  ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  const int fb_h = static_cast<int>(io.DisplaySize.y * sy);
  const int px = std::max(0, static_cast<int>(x0 * sx)), pw = static_cast<int>((x1 - x0) * sx);
  const int ph = static_cast<int>((y1 - y0) * sy), py = fb_h - static_cast<int>(y1 * sy);
  if (pw <= 0 || ph <= 0) {
    error = "nothing to capture";
    return false;
  }
  std::vector<unsigned char> pixels(static_cast<std::size_t>(pw) * ph * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(px, std::max(0, py), pw, ph, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<unsigned char> flipped(pixels.size());
  const std::size_t row = static_cast<std::size_t>(pw) * 4;
  for (int r = 0; r < ph; ++r)
    std::copy_n(pixels.data() + static_cast<std::size_t>(ph - 1 - r) * row, row,
                flipped.data() + static_cast<std::size_t>(r) * row);
  for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // opaque, as on screen
  if (stbi_write_png(path.c_str(), pw, ph, 4, flipped.data(), static_cast<int>(row)) == 0) {
    error = "could not write " + path;
    return false;
  }
  return true;
}

// ---- The help ----

void draw_help(bool& open) {
  if (open) ImGui::OpenPopup("Keyboard and mouse");
  const ImVec2 center = ImGui::GetMainViewport()->GetCenter();
  ImGui::SetNextWindowPos(center, ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (ImGui::BeginPopupModal("Keyboard and mouse", &open, ImGuiWindowFlags_AlwaysAutoResize)) {
    static constexpr const char* rows[][2] = {
        {"Space", "play / pause (virtual clock); run (a real-clock lesson)"},
        {"Right arrow", "run exactly one handler of the loop"},
        {"R", "restart every variant"},
        {"Mouse wheel", "zoom around the mouse"},
        {"Drag", "pan"},
        {"Shift + wheel", "scroll the lanes"},
        {"W / S", "zoom in / out"},
        {"A / D", "pan left / right"},
        {"F", "fit the whole run"},
        {"Hover", "what a task was doing, and for how long"},
        {"Click a task", "cancel it (while the run is live)"},
        {"Ctrl + click a slider", "type a value"},
        {"F1 or ?", "this help"},
    };
    if (ImGui::BeginTable("##keys", 2, ImGuiTableFlags_RowBg)) {
      for (const auto& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[0]);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[1]);
      }
      ImGui::EndTable();
    }
    if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      open = false;
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void draw_legend(bool dark) {
  const palette& p = colors(dark);
  const struct {
    ImU32 c;
    const char* label;
  } spans[] = {{p.running, "running"},         {p.running_blocking, "blocking / CPU"}, {p.ready, "ready"},
               {p.wait_timer, "timer"},        {p.wait_semaphore, "semaphore"},       {p.wait_pool, "thread pool"},
               {p.wait_io, "I/O"},             {p.wait_child, "child task"}};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float h = ImGui::GetTextLineHeight();
  for (const auto& it : spans) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(ImVec2(at.x, at.y + h * 0.2f), ImVec2(at.x + h, at.y + h * 0.9f), it.c);
    ImGui::Dummy(ImVec2(h * 1.2f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(it.label);
  }
  for (lane_state s : {lane_state::done, lane_state::failed, lane_state::cancelled}) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    draw_end_marker(dl, p, s, ImVec2(at.x + h * 0.5f, at.y + h * 0.55f), h * 0.3f);
    ImGui::Dummy(ImVec2(h * 1.2f, h));
    ImGui::SameLine();
    ImGui::TextUnformatted(state_label(s, 0));
  }
}

// SIGINT and SIGTERM close the window as its close button does, so the
// settings are still saved.
std::atomic<bool> close_requested{false};
extern "C" void on_close_signal(int) { close_requested = true; }

// GLFW reports why it failed through a callback; the reason goes into the
// one line we print.
std::string glfw_failure;
void glfw_error(int, const char* text) { glfw_failure = text; }

}  // namespace

const std::vector<std::string>& page_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n{"sandbox"};
    for (const auto& l : lessons::all()) n.push_back(l.id);
    return n;
  }();
  return names;
}

int run_app(const gui_options& options) {
  if (std::find(page_names().begin(), page_names().end(), options.page) == page_names().end()) {
    std::cerr << "loopscope: error: no lesson or page named '" << options.page << "' (loopscope list shows them)\n";
    return 2;
  }
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((display == nullptr || *display == '\0') && (wayland == nullptr || *wayland == '\0')) {
    std::cerr << "loopscope: no display to open a window on (DISPLAY is not set); "
                 "for headless use try 'loopscope run --help'\n";
    return 1;
  }
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::cerr << "loopscope: cannot open a window (" << glfw_failure << "); for headless use try 'loopscope run --help'\n";
    return 1;
  }

  settings s = load_settings();
  if (options.page_given || std::find(page_names().begin(), page_names().end(), s.page) == page_names().end())
    s.page = options.page;
  if (options.dark) s.dark = *options.dark;
  if (options.width > 0) s.width = options.width;
  if (options.height > 0) s.height = options.height;
  const bool capture_only = !options.screenshot.empty();

  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(s.width, s.height, "Loopscope", nullptr, nullptr);
  if (window == nullptr) {
    std::cerr << "loopscope: cannot create an OpenGL 3.3 window (" << glfw_failure
              << "); for headless use try 'loopscope run --help'\n";
    glfwTerminate();
    return 1;
  }
  if (s.x >= 0 && s.y >= 0 && !capture_only) glfwSetWindowPos(window, s.x, s.y);
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  const float scale = std::clamp(std::max(xscale, yscale), 1.0f, 4.0f);

  std::signal(SIGINT, on_close_signal);
  std::signal(SIGTERM, on_close_signal);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // one fixed layout; our own settings file keeps the rest
  const std::string font_notice = load_fonts(scale);
  apply_theme(s.dark, scale);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  int status = 0;
  {
    sandbox_page sandbox;
    if (!options.strategies.empty()) sandbox.set_strategies(options.strategies);
    if (options.work) sandbox.configure(*options.work, options.real_clock);
    std::map<std::string, std::unique_ptr<lesson_page>> lesson_pages;  // made on first visit
    auto shown_variants = [&]() -> variants_view& {
      if (s.page == "sandbox") return sandbox.variants();
      auto& page = lesson_pages[s.page];
      if (!page) page = std::make_unique<lesson_page>(*lessons::find(s.page));
      return page->variants();
    };
    // A screenshot runs its variants once the window has drawn a couple of
    // frames: a real-clock lesson then measures a process that has finished
    // starting up its renderer.
    bool primed = false;
    auto prime = [&] {
      if (options.at)
        shown_variants().seek(*options.at);
      else
        shown_variants().run_to_end();
      primed = true;
    };
    bool help = false;
    auto last = std::chrono::steady_clock::now();
    int frame = 0;
    bool animating = true;
    while (!glfwWindowShouldClose(window)) {
      // Nothing moving: sleep until input (or a quarter second), not spin.
      if (animating || capture_only)
        glfwPollEvents();
      else
        glfwWaitEventsTimeout(0.25);
      if (close_requested) glfwSetWindowShouldClose(window, GLFW_TRUE);
      const auto now = std::chrono::steady_clock::now();
      const double dt = capture_only ? 0.0 : std::chrono::duration<double>(now - last).count();
      last = now;

      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      ImGuiIO& io = ImGui::GetIO();
      if (!io.WantTextInput) {
        if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) help = true;
        for (int i = 0; i < io.InputQueueCharacters.Size; ++i)
          if (io.InputQueueCharacters[i] == '?') help = true;
      }

      const ImGuiViewport* vp = ImGui::GetMainViewport();
      ImGui::SetNextWindowPos(vp->WorkPos);
      ImGui::SetNextWindowSize(vp->WorkSize);
      ImGui::Begin("##main", nullptr,
                   ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoBringToFrontOnFocus);

      // ---- Sidebar ----
      ImGui::BeginChild("##sidebar", ImVec2(270 * scale, 0), true);
      ImGui::TextUnformatted("Loopscope");
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
      ImGui::TextWrapped("see what an event loop does");
      ImGui::PopStyleColor();
      ImGui::Separator();
      ImGui::TextDisabled("lessons");
      for (const auto& l : lessons::all()) {
        const bool done = s.done.count(l.id) > 0;
        char label[160];
        std::snprintf(label, sizeof label, "%s %d. %s", done ? "\u2713" : "  ", l.number, l.title.c_str());
        if (ImGui::Selectable(label, s.page == l.id)) s.page = l.id;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s%s", l.summary.c_str(), done ? "\n(seen to the end)" : "");
      }
      ImGui::Spacing();
      if (ImGui::Selectable("Sandbox", s.page == "sandbox")) s.page = "sandbox";
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Any workload, any strategy, side by side");
      ImGui::Separator();
      if (ImGui::Checkbox("dark theme", &s.dark)) apply_theme(s.dark, scale);
      if (ImGui::Button("Help (F1)")) help = true;
      ImGui::Spacing();
      ImGui::TextDisabled("legend");
      draw_legend(s.dark);
      if (!font_notice.empty()) {
        ImGui::Spacing();
        ImGui::TextWrapped("%s", font_notice.c_str());
      }
      ImGui::EndChild();
      ImGui::SameLine();

      // ---- The page ----
      ImGui::BeginChild("##page", ImVec2(0, 0), false);
      page_requests req;
      if (s.page == "sandbox") {
        req = sandbox.draw(dt, s.dark);
      } else {
        shown_variants();  // makes the page on its first visit
        lesson_page& page = *lesson_pages[s.page];
        const auto& all = lessons::all();
        const auto at = static_cast<std::size_t>(page.lesson().number - 1);
        lesson_nav nav;
        req = page.draw(dt, s.dark, nav, at > 0, at + 1 < all.size());
        if (nav.completed) s.done.insert(page.lesson().id);
        if (nav.previous) s.page = all[at - 1].id;
        if (nav.next) s.page = all[at + 1].id;
        if (nav.sandbox) s.page = "sandbox";
      }
      ImGui::EndChild();
      draw_help(help);
      ImGui::End();

      ImGui::Render();
      int fb_w = 0, fb_h = 0;
      glfwGetFramebufferSize(window, &fb_w, &fb_h);
      glViewport(0, 0, fb_w, fb_h);
      const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
      glClearColor(bg.x, bg.y, bg.z, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

      if (req.save_png) {
        std::string error;
        if (write_png(req.png_path, req.png_x0, req.png_y0, req.png_x1, req.png_y1, error))
          shown_variants().set_status("Timeline saved to " + req.png_path, true);
        else
          shown_variants().set_status("Could not save the PNG: " + error, false);
      }
      // A screenshot waits a few frames so that the layout has settled, and
      // on the real clock until the time asked for has really passed.
      const variants_view& shown = shown_variants();
      if (capture_only && !primed && frame >= 2) prime();
      // (A run that could not be set up has nothing to wait for.)
      const bool due = primed && (!shown.real_clock() || shown.finished() || shown.size() == 0 ||
                                  (options.at && shown.cursor() >= *options.at));
      if (capture_only && ++frame >= 4 && due) {
        std::string error;
        if (!write_png(options.screenshot, 0, 0, io.DisplaySize.x, io.DisplaySize.y, error)) {
          std::cerr << "loopscope: error: " << error << "\n";
          status = 1;
        }
        glfwSetWindowShouldClose(window, GLFW_TRUE);
      }
      glfwSwapBuffers(window);
      animating = shown_variants().animating() || help;
      // Where swapping does not wait for the display (no vsync, as under
      // Xvfb), keep to about 60 frames a second.
      const auto spent = std::chrono::steady_clock::now() - now;
      if ((!capture_only || !due) && spent < std::chrono::milliseconds(16))
        std::this_thread::sleep_for(std::chrono::milliseconds(16) - spent);
    }
  }

  if (!capture_only) {
    glfwGetWindowPos(window, &s.x, &s.y);
    glfwGetWindowSize(window, &s.width, &s.height);
    save_settings(s);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}

}  // namespace loopscope::gui
