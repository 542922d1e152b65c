#include "markdown.hpp"

#include <md4c.h>

namespace loopscope::gui {

namespace {

struct builder {
  std::vector<md_block> blocks;
  int list_depth = 0;
  int em = 0, strong = 0, code = 0;
  bool in_item = false;

  md_block& open(md_block::kind_t kind, int level) {
    blocks.push_back(md_block{kind, level, {}});
    return blocks.back();
  }
  md_style style() const {
    if (code > 0) return md_style::code;
    if (strong > 0) return md_style::strong;
    if (em > 0) return md_style::emphasis;
    return md_style::plain;
  }
  void text(std::string_view t) {
    if (blocks.empty()) open(md_block::paragraph, 0);
    auto& runs = blocks.back().runs;
    const md_style s = style();
    if (!runs.empty() && runs.back().style == s)
      runs.back().text.append(t);
    else
      runs.push_back(md_run{std::string(t), s});
  }
};

int enter_block(MD_BLOCKTYPE type, void* detail, void* user) {
  auto& b = *static_cast<builder*>(user);
  switch (type) {
    case MD_BLOCK_H:
      b.open(md_block::heading, static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level));
      break;
    case MD_BLOCK_UL:
    case MD_BLOCK_OL:
      ++b.list_depth;
      break;
    case MD_BLOCK_LI:
      b.open(md_block::bullet, b.list_depth);
      b.in_item = true;
      break;
    case MD_BLOCK_P:
      if (!b.in_item) b.open(md_block::paragraph, 0);  // a list item's paragraph stays in the item
      break;
    case MD_BLOCK_CODE:
      b.open(md_block::code, 0);
      break;
    default:
      break;
  }
  return 0;
}

int leave_block(MD_BLOCKTYPE type, void*, void* user) {
  auto& b = *static_cast<builder*>(user);
  if (type == MD_BLOCK_UL || type == MD_BLOCK_OL) --b.list_depth;
  if (type == MD_BLOCK_LI) b.in_item = false;
  return 0;
}

int enter_span(MD_SPANTYPE type, void*, void* user) {
  auto& b = *static_cast<builder*>(user);
  if (type == MD_SPAN_EM) ++b.em;
  if (type == MD_SPAN_STRONG) ++b.strong;
  if (type == MD_SPAN_CODE) ++b.code;
  return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* user) {
  auto& b = *static_cast<builder*>(user);
  if (type == MD_SPAN_EM) --b.em;
  if (type == MD_SPAN_STRONG) --b.strong;
  if (type == MD_SPAN_CODE) --b.code;
  return 0;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
  auto& b = *static_cast<builder*>(user);
  switch (type) {
    case MD_TEXT_SOFTBR:
      b.text(" ");
      break;
    case MD_TEXT_BR:
      b.text("\n");
      break;
    case MD_TEXT_ENTITY: {
      const std::string_view e(text, size);
      b.text(e == "&amp;" ? "&" : e == "&lt;" ? "<" : e == "&gt;" ? ">" : e == "&quot;" ? "\"" : e);
      break;
    }
    default:
      b.text(std::string_view(text, size));
      break;
  }
  return 0;
}

}  // namespace

std::vector<md_block> parse_markdown(std::string_view text) {
  builder b;
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_COMMONMARK;
  parser.enter_block = enter_block;
  parser.leave_block = leave_block;
  parser.enter_span = enter_span;
  parser.leave_span = leave_span;
  parser.text = on_text;
  md_parse(text.data(), static_cast<MD_SIZE>(text.size()), &parser, &b);
  return std::move(b.blocks);
}

}  // namespace loopscope::gui
