// The catalog model's compact optional text (catalog/model.h).
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "catalog/model.h"

namespace libdump::catalog {
namespace {

TEST(OptionalTextTest, ReadsLikeAnOptionalString) {
  OptionalText none;
  EXPECT_FALSE(none);
  EXPECT_FALSE(none.has_value());
  EXPECT_EQ(std::optional<std::string>(none), std::nullopt);

  OptionalText text = "a comment";
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "a comment");
  EXPECT_EQ(text->size(), 9u);
  EXPECT_EQ(std::optional<std::string>(text), std::optional<std::string>("a comment"));

  // An empty string is a value, as in std::optional (a NULL column and '' differ).
  OptionalText empty = std::string();
  EXPECT_TRUE(empty);

  text = std::optional<std::string>();
  EXPECT_FALSE(text);
  text = std::optional<std::string>("again");
  EXPECT_EQ(*text, "again");
  text.reset();
  EXPECT_FALSE(text);
}

TEST(OptionalTextTest, CopiesAreDeep) {
  OptionalText a = "x";
  OptionalText b = a;
  a = "y";
  EXPECT_EQ(*b, "x");
  EXPECT_EQ(*a, "y");
  b = OptionalText();
  EXPECT_FALSE(b);
  EXPECT_EQ(*a, "y");
  OptionalText& self = a;
  a = self;
  EXPECT_EQ(*a, "y");
  OptionalText moved = std::move(a);
  EXPECT_EQ(*moved, "y");
}

// The structural property the dump's memory on many tables rests on: a column's rarely set
// fields cost a pointer each when unset, not a std::optional<std::string> (40 bytes).
TEST(OptionalTextTest, UnsetFieldsCostAPointer) {
  EXPECT_EQ(sizeof(OptionalText), sizeof(void*));
  EXPECT_LT(sizeof(Column), 2 * sizeof(std::string) + 6 * sizeof(std::optional<std::string>));
}

}  // namespace
}  // namespace libdump::catalog
