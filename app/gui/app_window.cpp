// The window: GLFW + OpenGL 3.3 core + Dear ImGui. Opening and closing it,
// the frame loop, the pages, and the PNG captures.
#include <GL/gl.h>
#include <GL/glext.h>  // after gl.h: it needs its types
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "app/gui/capture.hpp"
#include "app/gui/code_page.hpp"
#include "app/gui/gui.hpp"
#include "app/gui/help_view.hpp"
#include "app/gui/key_taps.hpp"
#include "app/gui/lesson_page.hpp"
#include "app/gui/sandbox_page.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/sidebar.hpp"
#include "app/gui/theme.hpp"

namespace loopscope::gui {

namespace {

GLFWkeyfun imgui_key_callback = nullptr;  // ImGui's, which ours calls first

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
    if (io.Fonts->AddFontFromFileTTF(path, 16.0f * scale, nullptr, ranges) == nullptr) continue;
    // The second font, for code: monospace, where the system has one.
    const char* mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    if (std::ifstream(mono)) io.Fonts->AddFontFromFileTTF(mono, 15.0f * scale, nullptr, ranges);
    return {};
  }
  ImFontConfig config;
  config.SizePixels = 13.0f * scale;
  io.Fonts->AddFontDefault(&config);
  return "No system font found (install fonts-dejavu-core); using ImGui's built-in font.";
}

// SIGINT and SIGTERM close the window as its close button does, so the
// settings are still saved.
std::atomic<bool> close_requested{false};
extern "C" void on_close_signal(int) { close_requested = true; }

// GLFW reports why it failed through a callback; the reason goes into the
// one line we print.
std::string glfw_failure;
void glfw_error(int, const char* text) { glfw_failure = text; }

// ---- The pages ----

// The sandbox, and a page per lesson made on its first visit.
class pages {
 public:
  explicit pages(const gui_options& o) : code_(o.trace_file, o.examples), twin_(o.twin) {
    if (!o.strategies.empty()) sandbox_.set_strategies(o.strategies);
    if (o.work) sandbox_.configure(*o.work, o.real_clock);
  }

  run_set& shown(const std::string& page) {
    if (page == "code") return code_.runs();
    return page == "sandbox" ? sandbox_.runs() : lesson(page).runs();
  }
  const std::vector<header_rect>& headers(const std::string& page) {
    if (page == "code") return code_.headers();
    return page == "sandbox" ? sandbox_.headers() : lesson(page).headers();
  }
  const runs_view& view(const std::string& page) {
    if (page == "code") return code_.view();
    return page == "sandbox" ? sandbox_.view() : lesson(page).view();
  }
  void show_tab(const std::string& page, const std::string& tab) {
    if (page == "sandbox")
      sandbox_.show_code(tab == "cpp");
    else
      lesson(page).show_tab(tab);
  }
  // For a screenshot: the question skipped, answered, or left open. False
  // when the guess does not answer the question.
  bool answer(const std::string& page, const std::string& predict) {
    if (page == "code") {  // a picture of the page runs its script first
      code_.run();
      return true;
    }
    if (page == "sandbox" || predict == "ask") return true;
    if (predict == "skip") {
      lesson(page).skip_question();
      return true;
    }
    return lesson(page).answer_question(predict);
  }

  // Draws the page and follows its navigation.
  std::optional<png_request> draw(settings& s, double dt) {
    if (s.page == "sandbox") return sandbox_.draw(dt, s.dark);
    if (s.page == "code") return code_.draw(dt, s.dark);
    lesson_page& page = lesson(s.page);
    const auto& all = lessons::all();
    const auto at = static_cast<std::size_t>(&page.lesson() - all.data());
    lesson_nav nav;
    auto png = page.draw(dt, s.dark, nav, at > 0, at + 1 < all.size());
    if (nav.completed) s.done.insert(page.lesson().id);
    if (nav.previous) s.page = all[at - 1].id;
    if (nav.next) s.page = all[at + 1].id;
    if (nav.sandbox) {
      s.page = "sandbox";
      if (nav.carried) {
        sandbox_.set_strategies(nav.carried->strategies);
        sandbox_.configure(nav.carried->work, false);
        sandbox_.runs().set_notice(
            {"The work of lesson " + std::to_string(page.lesson().number) + ", every knob free", true});
      }
    }
    return png;
  }

 private:
  lesson_page& lesson(const std::string& id) {
    auto& page = lessons_[id];
    if (!page) page = std::make_unique<lesson_page>(*lessons::find(id), twin_);
    return *page;
  }

  sandbox_page sandbox_;
  code_page code_;
  std::map<std::string, std::unique_ptr<lesson_page>> lessons_;
  lesson_page::twin_runner twin_;
};

// ---- Captures ----

// Writes pixels read from GL (bottom row first) as a PNG, top row first.
bool write_rgba(const std::string& path, int w, int h, std::vector<unsigned char>& pixels, std::string& error) {
  std::vector<unsigned char> flipped(pixels.size());
  const std::size_t row = static_cast<std::size_t>(w) * 4;
  for (int r = 0; r < h; ++r)
    std::copy_n(pixels.data() + static_cast<std::size_t>(h - 1 - r) * row, row,
                flipped.data() + static_cast<std::size_t>(r) * row);
  for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // opaque, as on screen
  if (stbi_write_png(path.c_str(), w, h, 4, flipped.data(), static_cast<int>(row)) == 0) {
    error = "could not write " + path;
    return false;
  }
  return true;
}

// Reads the framebuffer rectangle [x0, x1) × [y0, y1) (ImGui coordinates)
// and writes it as a PNG.
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
  return write_rgba(path, pw, ph, pixels, error);
}

// OpenGL 3's framebuffer objects, looked up through GLFW (the system's
// libGL need not export them).
struct framebuffer_api {
  PFNGLGENFRAMEBUFFERSPROC gen_framebuffers = nullptr;
  PFNGLBINDFRAMEBUFFERPROC bind_framebuffer = nullptr;
  PFNGLDELETEFRAMEBUFFERSPROC delete_framebuffers = nullptr;
  PFNGLGENRENDERBUFFERSPROC gen_renderbuffers = nullptr;
  PFNGLBINDRENDERBUFFERPROC bind_renderbuffer = nullptr;
  PFNGLRENDERBUFFERSTORAGEPROC renderbuffer_storage = nullptr;
  PFNGLDELETERENDERBUFFERSPROC delete_renderbuffers = nullptr;
  PFNGLFRAMEBUFFERRENDERBUFFERPROC framebuffer_renderbuffer = nullptr;
  PFNGLCHECKFRAMEBUFFERSTATUSPROC check_framebuffer_status = nullptr;
  bool load() {
    auto get = [](const char* name) { return glfwGetProcAddress(name); };
    gen_framebuffers = reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(get("glGenFramebuffers"));
    bind_framebuffer = reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(get("glBindFramebuffer"));
    delete_framebuffers = reinterpret_cast<PFNGLDELETEFRAMEBUFFERSPROC>(get("glDeleteFramebuffers"));
    gen_renderbuffers = reinterpret_cast<PFNGLGENRENDERBUFFERSPROC>(get("glGenRenderbuffers"));
    bind_renderbuffer = reinterpret_cast<PFNGLBINDRENDERBUFFERPROC>(get("glBindRenderbuffer"));
    renderbuffer_storage = reinterpret_cast<PFNGLRENDERBUFFERSTORAGEPROC>(get("glRenderbufferStorage"));
    delete_renderbuffers = reinterpret_cast<PFNGLDELETERENDERBUFFERSPROC>(get("glDeleteRenderbuffers"));
    framebuffer_renderbuffer = reinterpret_cast<PFNGLFRAMEBUFFERRENDERBUFFERPROC>(get("glFramebufferRenderbuffer"));
    check_framebuffer_status = reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(get("glCheckFramebufferStatus"));
    return gen_framebuffers && bind_framebuffer && delete_framebuffers && gen_renderbuffers && bind_renderbuffer &&
           renderbuffer_storage && delete_renderbuffers && framebuffer_renderbuffer && check_framebuffer_status;
  }
};

// Save PNG's picture: one ImGui frame of width × height (taller than the
// window, as need be) laid out by `draw`, rendered off screen and written
// to `path`. The window's own frame is not touched.
bool write_picture(const std::string& path, float width, float height, const std::function<void()>& draw,
                   std::string& error) {
  static framebuffer_api gl;
  static const bool loaded = gl.load();
  if (!loaded) {
    error = "this OpenGL has no framebuffer objects";
    return false;
  }
  ImGuiIO& io = ImGui::GetIO();
  const float scale = std::max(io.DisplayFramebufferScale.y, 1.0f);
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max_size);
  GLint max_viewport[2] = {0, 0};
  glGetIntegerv(GL_MAX_VIEWPORT_DIMS, max_viewport);
  const float limit = static_cast<float>(std::min({max_size, max_viewport[0], max_viewport[1], 16384})) / scale;
  width = std::clamp(width, 200.0f, limit);
  height = std::clamp(height, 100.0f, limit);  // past it, the lanes are drawn thinner to fit

  // The frame: nothing under the mouse, nothing pressed.
  const ImVec2 display = io.DisplaySize;
  const ImVec2 mouse = io.MousePos;
  bool down[IM_ARRAYSIZE(io.MouseDown)];
  std::copy(std::begin(io.MouseDown), std::end(io.MouseDown), down);
  std::fill(std::begin(io.MouseDown), std::end(io.MouseDown), false);
  io.DisplaySize = ImVec2(width, height);
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("##picture", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  draw();
  ImGui::End();
  ImGui::Render();
  io.DisplaySize = display;
  io.MousePos = mouse;
  std::copy(std::begin(down), std::end(down), io.MouseDown);

  const int fw = static_cast<int>(width * scale), fh = static_cast<int>(height * scale);
  GLuint fbo = 0, rbo = 0;
  gl.gen_framebuffers(1, &fbo);
  gl.bind_framebuffer(GL_FRAMEBUFFER, fbo);
  gl.gen_renderbuffers(1, &rbo);
  gl.bind_renderbuffer(GL_RENDERBUFFER, rbo);
  gl.renderbuffer_storage(GL_RENDERBUFFER, GL_RGBA8, fw, fh);
  gl.framebuffer_renderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, rbo);
  bool ok = gl.check_framebuffer_status(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
  if (ok) {
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    std::vector<unsigned char> pixels(static_cast<std::size_t>(fw) * fh * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    ok = write_rgba(path, fw, fh, pixels, error);
  } else {
    error = "could not make an off-screen picture of " + std::to_string(fw) + "x" + std::to_string(fh);
  }
  gl.bind_framebuffer(GL_FRAMEBUFFER, 0);
  gl.delete_renderbuffers(1, &rbo);
  gl.delete_framebuffers(1, &fbo);
  return ok;
}

// Where each variant's header was drawn, for the layout tests: JSON.
// And what each run's main got: when it returned or raised, and what.
bool write_layout(const std::string& path, ImVec2 size, const std::vector<header_rect>& headers, const run_set& runs) {
  auto quoted = [](const std::string& text) {
    std::string q = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') q.push_back('\\');
      q.push_back(c == '\n' ? ' ' : c);
    }
    return q + "\"";
  };
  std::ofstream out(path);
  out << "{\"width\": " << size.x << ", \"height\": " << size.y << ", \"headers\": [";
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const header_rect& h = headers[i];
    out << (i ? ", " : "") << "{\"title\": " << quoted(h.title) << ", \"x0\": " << h.x0 << ", \"y0\": " << h.y0
        << ", \"x1\": " << h.x1 << ", \"y1\": " << h.y1 << ", \"visible\": " << (h.visible ? "true" : "false") << "}";
  }
  out << "], \"runs\": [";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const scenario_run& r = runs.run(i);
    out << (i ? ", " : "") << "{\"variant\": " << quoted(r.variant()) << ", \"returned_s\": ";
    if (r.main_done())
      out << static_cast<double>(r.returned()) / 1e9;
    else
      out << "null";
    out << ", \"error\": " << quoted(r.error_text()) << "}";
  }
  out << "]}\n";
  return static_cast<bool>(out);
}

// ---- The window ----

struct window {
  GLFWwindow* handle = nullptr;
  float scale = 1;
  std::string font_notice;
};

// Opens the window (GL 3.3 core) and ImGui on it; says why not in one line.
std::optional<window> open_window(const settings& s, bool capture_only) {
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) {
    std::cerr << "loopscope: cannot open a window (" << glfw_failure
              << "); for headless use try 'loopscope run --help'\n";
    return std::nullopt;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  window w;
  w.handle = glfwCreateWindow(s.width, s.height, "Loopscope", nullptr, nullptr);
  if (w.handle == nullptr) {
    std::cerr << "loopscope: cannot create an OpenGL 3.3 window (" << glfw_failure
              << "); for headless use try 'loopscope run --help'\n";
    glfwTerminate();
    return std::nullopt;
  }
  if (s.x >= 0 && s.y >= 0 && !capture_only) glfwSetWindowPos(w.handle, s.x, s.y);
  glfwMakeContextCurrent(w.handle);
  glfwSwapInterval(1);
  float xscale = 1, yscale = 1;
  glfwGetWindowContentScale(w.handle, &xscale, &yscale);
  w.scale = std::clamp(std::max(xscale, yscale), 1.0f, 4.0f);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // one fixed layout; our own settings file keeps the rest
  w.font_notice = load_fonts(w.scale);
  apply_theme(s.dark, w.scale);
  ImGui_ImplGlfw_InitForOpenGL(w.handle, true);
  // Every press reaches window_taps() too, after ImGui's own handler.
  imgui_key_callback = glfwSetKeyCallback(w.handle, [](GLFWwindow* win, int key, int scancode, int action, int mods) {
    if (imgui_key_callback != nullptr) imgui_key_callback(win, key, scancode, action, mods);
    if (action == GLFW_PRESS) window_taps().note_press(key);
  });
  ImGui_ImplOpenGL3_Init("#version 330 core");
  return w;
}

void close_window(window& w) {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(w.handle);
  glfwTerminate();
}

// The sidebar, the page and the help, into one full-window ImGui window.
std::optional<png_request> draw_frame(window& w, settings& s, pages& all, sidebar& side, help_view& help, double dt) {
  ImGuiIO& io = ImGui::GetIO();
  // Text size for a projector: Ctrl + = (or +), Ctrl + -, Ctrl + 0.
  if (io.KeyCtrl) {
    if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) s.font_scale *= 1.1f;
    if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) s.font_scale /= 1.1f;
    if (ImGui::IsKeyPressed(GLFW_KEY_0) || ImGui::IsKeyPressed(GLFW_KEY_KP_0)) s.font_scale = 1;
    s.font_scale = std::clamp(s.font_scale, font_scale_min, font_scale_max);
  }
  io.FontGlobalScale = s.font_scale;
  if (!io.WantTextInput) {
    if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) help.open();
    for (int i = 0; i < io.InputQueueCharacters.Size; ++i)
      if (io.InputQueueCharacters[i] == '?') help.open();
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::Begin("##main", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  const sidebar_request r = side.draw(s, 205 * w.scale * s.font_scale, w.font_notice);
  if (!r.page.empty()) s.page = r.page;
  if (r.help) help.open();
  if (r.theme_changed) apply_theme(s.dark, w.scale);
  ImGui::SameLine();
  ImGui::BeginChild("##page", ImVec2(0, 0), false);
  auto png = all.draw(s, dt);
  ImGui::EndChild();
  help.draw(colors(s.dark));
  ImGui::End();
  return png;
}

void render(window& w) {
  ImGui::Render();
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(w.handle, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

}  // namespace

const std::vector<std::string>& page_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n{"sandbox", "code"};
    for (const auto& l : lessons::all()) n.push_back(l.id);
    return n;
  }();
  return names;
}

void catch_close_signals() {
  std::signal(SIGINT, on_close_signal);
  std::signal(SIGTERM, on_close_signal);
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
  const std::string where = settings_path();
  settings s = load_settings(where);
  if (options.page_given || std::find(page_names().begin(), page_names().end(), s.page) == page_names().end())
    s.page = options.page;
  if (options.dark) s.dark = *options.dark;
  if (options.width > 0) s.width = options.width;
  if (options.height > 0) s.height = options.height;
  const bool capture_only = !options.screenshot.empty() || !options.timeline_png.empty();

  // Taken before the window opens (which can take seconds on a software
  // renderer): a stop asked for meanwhile closes it at its first frame,
  // the settings saved.
  catch_close_signals();
  auto w = open_window(s, capture_only);
  if (!w) return 1;

  int status = 0;
  {
    pages all(options);
    if (capture_only && !all.answer(s.page, options.predict)) {
      std::cerr << "loopscope: error: --predict: '" << options.predict
                << "' does not answer this lesson's question (a number, a choice's number from 1, ask or skip)\n";
      close_window(*w);
      return 2;
    }
    if (!options.tab.empty() && s.page != "code") all.show_tab(s.page, options.tab);
    sidebar side;
    help_view help;
    screenshot_plan shot(options.at, options.predict != "ask" || s.page == "sandbox" || s.page == "code");
    auto last = std::chrono::steady_clock::now();
    bool animating = true;
    while (!glfwWindowShouldClose(w->handle)) {
      // Nothing moving: sleep until input (or a quarter second), not spin.
      if (animating || capture_only)
        glfwPollEvents();
      else
        glfwWaitEventsTimeout(0.25);
      if (close_requested) glfwSetWindowShouldClose(w->handle, GLFW_TRUE);
      window_taps().begin_frame();
      const auto now = std::chrono::steady_clock::now();
      const double dt = capture_only ? 0.0 : std::chrono::duration<double>(now - last).count();
      last = now;

      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      const auto png = draw_frame(*w, s, all, side, help, dt);
      render(*w);
      run_set& shown = all.shown(s.page);
      // The whole timeline, drawn off screen after the window's frame.
      auto picture = [&](const std::string& path, float width, std::string& error) {
        const runs_view& view = all.view(s.page);
        return write_picture(
            path, width, view.picture_height(), [&] { view.draw_picture(shown, s.dark); }, error);
      };
      if (png) {
        std::string error;
        if (picture(png->path, png->width, error))
          shown.set_notice({"Timeline saved to " + png->path, true});
        else
          shown.set_notice({"Could not save the PNG: " + error, false});
      }
      const bool due = capture_only && shot.frame(shown);
      if (due) {
        const ImGuiIO& io = ImGui::GetIO();
        std::string error;
        if (!options.screenshot.empty() &&
            !write_png(options.screenshot, 0, 0, io.DisplaySize.x, io.DisplaySize.y, error)) {
          std::cerr << "loopscope: error: " << error << "\n";
          status = 1;
        }
        if (!options.timeline_png.empty() && !picture(options.timeline_png, all.view(s.page).timeline_width(), error)) {
          std::cerr << "loopscope: error: " << error << "\n";
          status = 1;
        }
        if (!options.layout.empty() && !write_layout(options.layout, io.DisplaySize, all.headers(s.page), shown)) {
          std::cerr << "loopscope: error: could not write " << options.layout << "\n";
          status = 1;
        }
        glfwSetWindowShouldClose(w->handle, GLFW_TRUE);
      }
      glfwSwapBuffers(w->handle);
      animating = shown.animating() || help.is_open();
      // Where swapping does not wait for the display (no vsync, as under
      // Xvfb), keep to about 60 frames a second.
      const auto spent = std::chrono::steady_clock::now() - now;
      if (!due && spent < std::chrono::milliseconds(16))
        std::this_thread::sleep_for(std::chrono::milliseconds(16) - spent);
    }
  }
  if (!capture_only) {
    glfwGetWindowPos(w->handle, &s.x, &s.y);
    glfwGetWindowSize(w->handle, &s.width, &s.height);
    save_settings(s, where);
  }
  close_window(*w);
  return status;
}

}  // namespace loopscope::gui
