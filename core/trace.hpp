// The trace: every state change of every lane, appended by the loop (and by
// thread-pool workers) and read concurrently by the metrics, the exporters
// and the GUI. Nothing here includes Asio.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace loopscope {

using nanos = std::int64_t;  // time everywhere inside: integer nanoseconds
using lane_id = std::uint32_t;

constexpr lane_id no_lane = 0xffffffffu;

enum class lane_state : std::uint8_t {
  ready,    // woken, queued, waiting for the loop
  running,  // holding the loop (or, on a worker lane, the worker)
  waiting,  // suspended; see wait_reason
  idle,     // a thread-pool worker with no job
  done,
  failed,
  cancelled,
};

enum class wait_reason : std::uint8_t {
  none,
  timer,
  semaphore,
  thread_pool,
  io,
  child,  // a task, a gather, a TaskGroup, a future
  lock,
  event,  // an Event, or a Condition
  queue,  // a Queue: full for a producer, empty for a consumer
};

// What a running slice is doing, so a tooltip can tell a blocking call from
// ordinary coroutine code. `cancelled`: the task resumed with a
// cancellation raised at its await, and runs its cleanup from there.
enum class run_kind : std::uint8_t { code, blocking, cpu, cancelled };

enum class lane_kind : std::uint8_t {
  main,    // the coroutine that drives a scenario
  task,    // a task of the workload
  worker,  // a thread-pool worker
  helper,  // any other coroutine a scenario spawns
};

constexpr bool is_terminal(lane_state s) {
  return s == lane_state::done || s == lane_state::failed || s == lane_state::cancelled;
}

std::string_view to_string(lane_state s);
std::string_view to_string(wait_reason r);
std::string_view to_string(run_kind k);
std::string_view to_string(lane_kind k);

using site_id = std::uint16_t;
constexpr site_id no_site = 0;

// One state change. `detail` is a wait_reason when waiting and a run_kind
// when running. `site`: where in the code the task waits (or, running,
// the await it resumed from), when a primitive said so. A failed or
// cancelled lane's message is a note keyed by lane.
struct trace_event {
  nanos t;
  lane_id lane;
  lane_state state;
  std::uint8_t detail;
  site_id site = no_site;
};
static_assert(sizeof(trace_event) == 16);

// A place in the code: where a primitive was awaited.
struct code_site {
  std::string file;  // as the compiler named it
  std::uint32_t line = 0;
  std::string function;
};

// A single-writer, many-reader append-only log. The writer never waits on a
// reader: elements live in fixed chunks that never move, and the size is
// published with release semantics after the element is written.
template <class T, unsigned ChunkBits = 14, std::size_t MaxChunks = 4096>
class append_log {
 public:
  static constexpr std::size_t chunk_size = std::size_t{1} << ChunkBits;
  static constexpr std::size_t capacity = chunk_size * MaxChunks;

  append_log() : chunks_(new std::atomic<T*>[MaxChunks]) {
    for (std::size_t i = 0; i < MaxChunks; ++i) chunks_[i].store(nullptr, std::memory_order_relaxed);
  }
  ~append_log() {
    for (std::size_t i = 0; i < MaxChunks; ++i)
      if (T* c = chunks_[i].load(std::memory_order_relaxed)) recycle(c);
  }
  append_log(const append_log&) = delete;
  append_log& operator=(const append_log&) = delete;

  // Writer only. Returns false (and drops the element) when full.
  bool push(T value) {
    std::size_t n = size_.load(std::memory_order_relaxed);
    if (n == capacity) return false;
    T* chunk = chunks_[n >> ChunkBits].load(std::memory_order_relaxed);
    if (chunk == nullptr) {
      chunk = fresh_chunk();
      chunks_[n >> ChunkBits].store(chunk, std::memory_order_release);
    }
    chunk[n & (chunk_size - 1)] = std::move(value);
    size_.store(n + 1, std::memory_order_release);
    return true;
  }

  // Readers: any index below a size() they have read is safe to read.
  std::size_t size() const { return size_.load(std::memory_order_acquire); }
  const T& operator[](std::size_t i) const {
    return chunks_[i >> ChunkBits].load(std::memory_order_acquire)[i & (chunk_size - 1)];
  }

 private:
  // Chunks of plain data go back to a small process-wide pool when a log
  // dies, so the next run writes into memory that is already paged in
  // instead of faulting on every fresh page.
  static constexpr bool pooled = std::is_trivially_copyable_v<T>;
  static constexpr std::size_t pool_cap = 64;
  struct pool {
    std::mutex m;
    std::vector<T*> free;
    ~pool() {
      for (T* c : free) delete[] c;
    }
  };
  static pool& chunk_pool() {
    static pool p;
    return p;
  }
  static T* fresh_chunk() {
    if constexpr (pooled) {
      pool& p = chunk_pool();
      std::lock_guard lock(p.m);
      if (!p.free.empty()) {
        T* c = p.free.back();
        p.free.pop_back();
        return c;
      }
    }
    return new T[chunk_size];
  }
  static void recycle(T* c) {
    if constexpr (pooled) {
      pool& p = chunk_pool();
      std::lock_guard lock(p.m);
      if (p.free.size() < pool_cap) {
        p.free.push_back(c);
        return;
      }
    }
    delete[] c;
  }

  std::unique_ptr<std::atomic<T*>[]> chunks_;
  std::atomic<std::size_t> size_{0};
};

struct lane_info {
  lane_id id = no_lane;
  lane_kind kind = lane_kind::task;
  lane_id parent = no_lane;
  std::string name;
};

struct note_entry {
  lane_id lane = no_lane;
  std::string text;
};

// The trace of one variant. Lanes and notes are written by the loop thread;
// events come from several writers (the loop and each pool worker), each with
// a log of its own, so no writer ever takes a lock.
class trace {
 public:
  explicit trace(std::size_t writers = 1);

  lane_id add_lane(lane_kind kind, std::string name, lane_id parent = no_lane);
  void add_note(lane_id lane, std::string text);
  // A new place in the code; its id is what events carry (1, 2, ...).
  site_id add_site(code_site s);
  void record(std::size_t writer, const trace_event& e) {
    if (!recording_) return;
    if (!writers_[writer]->push(e)) overflowed_.store(true, std::memory_order_relaxed);
  }
  void set_recording(bool on) { recording_ = on; }
  bool recording() const { return recording_; }
  // Real-clock traces carry scheduling noise that virtual ones do not.
  void set_real_time(bool real) { real_time_ = real; }
  bool real_time() const { return real_time_; }

  std::size_t lane_count() const { return lanes_.size(); }
  const lane_info& lane(lane_id id) const { return lanes_[id]; }
  std::size_t site_count() const { return sites_.size() + 1; }  // ids below this are known
  const code_site& site(site_id id) const { return sites_[id - 1]; }
  std::size_t note_count() const { return notes_.size(); }
  const note_entry& note(std::size_t i) const { return notes_[i]; }
  std::size_t writer_count() const { return writers_.size(); }
  const append_log<trace_event>& events(std::size_t writer) const { return *writers_[writer]; }
  bool overflowed() const { return overflowed_.load(std::memory_order_relaxed); }

  // Every event so far, grouped per lane in time order (a reader's snapshot).
  std::vector<std::vector<trace_event>> by_lane() const;
  // The message of every lane that has one (failure or cancellation reason).
  std::vector<std::string> messages() const;

 private:
  std::vector<std::unique_ptr<append_log<trace_event>>> writers_;
  append_log<lane_info, 10, 4096> lanes_;
  append_log<note_entry, 10, 4096> notes_;
  append_log<code_site, 8, 256> sites_;
  std::atomic<bool> overflowed_{false};
  bool recording_ = true;
  bool real_time_ = false;
};

}  // namespace loopscope
