// CharPaddingTrimmer: trailing spaces of the chosen COPY text fields left out, whatever the
// values hold and wherever the input is cut.
#include "restore/char_trim.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace libdump::restore {
namespace {

std::string TrimAll(const std::vector<uint32_t>& columns, std::string_view in,
                    uint64_t* dropped = nullptr) {
  CharPaddingTrimmer t(columns);
  std::string out;
  const uint64_t d = t.Trim(in, &out);
  if (dropped) *dropped = d;
  EXPECT_EQ(t.TakeRest(), "");
  return out;
}

TEST(CharPaddingTrimmer, OnlyTheChosenFieldsLoseTheirTrailingSpaces) {
  const std::string in =
      "1\tab   \tkeep  \tx  \n"
      "2\t\\N\t  \t   \n"
      "3\t  lead\tz\t\n";
  uint64_t dropped = 0;
  EXPECT_EQ(TrimAll({1, 3}, in, &dropped),
            "1\tab\tkeep  \tx\n"
            "2\t\\N\t  \t\n"
            "3\t  lead\tz\t\n");
  EXPECT_EQ(dropped, 3u + 2u + 3u);
  EXPECT_EQ(TrimAll({0}, in), in);  // nothing to drop in the first field
  EXPECT_EQ(TrimAll({}, in), in);
}

TEST(CharPaddingTrimmer, EscapesAndOtherBytesStay) {
  // An escaped tab or newline is two bytes, not a delimiter; a backslash before the spaces is
  // part of the value; multibyte characters and a lone last field.
  EXPECT_EQ(TrimAll({0, 1}, "a\\t  \tb\\\\  \n\\n \t\xc3\xa9  \n"), "a\\t\tb\\\\\n\\n\t\xc3\xa9\n");
  // Positions past the row's last field never match; rows with fewer fields are fine.
  EXPECT_EQ(TrimAll({2, 9},
                    "a  \tb  \tc  \n"
                    "d  \n"),
            "a  \tb  \tc\n"
            "d  \n");
  // Empty rows and empty values.
  EXPECT_EQ(TrimAll({0}, "\n \n\t\n"), "\n\n\t\n");
}

TEST(CharPaddingTrimmer, InputCutAnywhereGivesTheSameBytes) {
  const std::string in =
      "10\tpadded      \tfree  \tlast    \n"
      "11\t \t \t \n"
      "12\t\\N\t\\N\tx\\\\ \n";
  const std::vector<uint32_t> cols = {1, 3};
  uint64_t whole_dropped = 0;
  const std::string whole = TrimAll(cols, in, &whole_dropped);
  ASSERT_EQ(whole,
            "10\tpadded\tfree  \tlast\n"
            "11\t\t \t\n"
            "12\t\\N\t\\N\tx\\\\\n");
  for (size_t a = 0; a <= in.size(); ++a) {
    for (size_t b = a; b <= in.size(); ++b) {
      CharPaddingTrimmer t(cols);
      std::string got, part;
      uint64_t dropped = t.Trim(std::string_view(in).substr(0, a), &part);
      got += part;
      dropped += t.Trim(std::string_view(in).substr(a, b - a), &part);
      got += part;
      dropped += t.Trim(std::string_view(in).substr(b), &part);
      got += part;
      got += t.TakeRest();
      ASSERT_EQ(got, whole) << "cut at " << a << " and " << b;
      ASSERT_EQ(dropped, whole_dropped) << "cut at " << a << " and " << b;
    }
  }
}

TEST(CharPaddingTrimmer, PositionsBeyondTheColumnLimitAreIgnored) {
  uint64_t dropped = 0;
  EXPECT_EQ(TrimAll({1, 1599, 1600, 0xFFFFFFFFu}, "a  \tb  \n", &dropped), "a  \tb\n");
  EXPECT_EQ(dropped, 2u);
  EXPECT_EQ(TrimAll({0xFFFFFFFFu}, "a  \n"), "a  \n");
}

TEST(CharPaddingTrimmer, AnUnfinishedRowIsHeldThenGivenBackAsItCame) {
  CharPaddingTrimmer t({0});
  std::string out;
  EXPECT_EQ(t.Trim("a  \nb  ", &out), 2u);
  EXPECT_EQ(out, "a\n");
  EXPECT_EQ(t.TakeRest(), "b  ");
  EXPECT_EQ(t.TakeRest(), "");
}

}  // namespace
}  // namespace libdump::restore
