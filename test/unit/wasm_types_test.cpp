#include "wasm_types.hpp"

#include <gtest/gtest.h>

using namespace scout;

TEST(Printable, EscapesControlBytesBackslashesAndNonAscii)
{
    EXPECT_EQ(printable("main"), "main");
    EXPECT_EQ(printable(std::string("a\nb\x1b[2J", 7)), "a\\x0ab\\x1b[2J");
    EXPECT_EQ(printable("a\\b"), "a\\x5cb");
    EXPECT_EQ(printable("\xc3\xa9"), "\\xc3\\xa9");
}

TEST(ValidUtf8, AcceptsWellFormedSequences)
{
    EXPECT_TRUE(valid_utf8(""));
    EXPECT_TRUE(valid_utf8("plain ascii"));
    EXPECT_TRUE(valid_utf8("caf\xc3\xa9"));       // 2 bytes
    EXPECT_TRUE(valid_utf8("\xe2\x82\xac"));      // euro sign, 3 bytes
    EXPECT_TRUE(valid_utf8("\xf0\x9f\x98\x80"));  // emoji, 4 bytes
    EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(ValidUtf8, RejectsWhatRfc3629Forbids)
{
    EXPECT_FALSE(valid_utf8("\xff"));              // never valid
    EXPECT_FALSE(valid_utf8("\xc3"));              // truncated
    EXPECT_FALSE(valid_utf8("\xe2\x82"));          // truncated
    EXPECT_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
    EXPECT_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong
    EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
    EXPECT_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    EXPECT_FALSE(valid_utf8("a\x80z"));            // a lone continuation byte
    EXPECT_FALSE(valid_utf8("\xc3("));             // a bad continuation
}

TEST(ValidUtf8, EscapesOnlyWhatIsNotUtf8)
{
    EXPECT_EQ(utf8_or_escaped("caf\xc3\xa9.yaml"), "caf\xc3\xa9.yaml");
    EXPECT_EQ(utf8_or_escaped("bad\xff.yaml"), "bad\\xff.yaml");
}

TEST(TerminalSafe, EscapesOnlyControlCharacters)
{
    EXPECT_EQ(terminal_safe("PASS x\nFAIL"), "PASS x\\x0aFAIL");
    EXPECT_EQ(terminal_safe("\x1b[2Jcleared"), "\\x1b[2Jcleared");
    EXPECT_EQ(terminal_safe("a\\b caf\xc3\xa9"), "a\\b caf\xc3\xa9");  // kept as they are
    EXPECT_EQ(terminal_safe(printable("x\n")), printable("x\n"));      // idempotent on printable()
}
