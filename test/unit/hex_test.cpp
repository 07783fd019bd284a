#include "hex.hpp"

#include <gtest/gtest.h>

#include <string>

using scout::Bytes;
using scout::decode_hex;
using scout::to_hex;

TEST(DecodeHex, PlainDigits)
{
    EXPECT_EQ(decode_hex("00ff10"), (Bytes{0x00, 0xff, 0x10}));
}

TEST(DecodeHex, LowerCasePrefix)
{
    EXPECT_EQ(decode_hex("0xabcd"), (Bytes{0xab, 0xcd}));
}

TEST(DecodeHex, UpperCasePrefix)
{
    EXPECT_EQ(decode_hex("0XABCD"), (Bytes{0xab, 0xcd}));
}

TEST(DecodeHex, MixedCaseDigits)
{
    EXPECT_EQ(decode_hex("aBcDeF"), (Bytes{0xab, 0xcd, 0xef}));
}

TEST(DecodeHex, EmptyStringIsEmptyBytes)
{
    const auto bytes = decode_hex("");
    ASSERT_TRUE(bytes.has_value());
    EXPECT_TRUE(bytes->empty());
}

TEST(DecodeHex, PrefixAloneIsEmptyBytes)
{
    const auto lower = decode_hex("0x");
    ASSERT_TRUE(lower.has_value());
    EXPECT_TRUE(lower->empty());
    const auto upper = decode_hex("0X");
    ASSERT_TRUE(upper.has_value());
    EXPECT_TRUE(upper->empty());
}

TEST(DecodeHex, OddLengthIsRejectedWithReason)
{
    std::string error;
    EXPECT_FALSE(decode_hex("0xabc", &error).has_value());
    EXPECT_NE(error.find("odd"), std::string::npos) << error;
    EXPECT_NE(error.find("3"), std::string::npos) << error;
}

TEST(DecodeHex, SingleDigitIsOdd)
{
    std::string error;
    EXPECT_FALSE(decode_hex("0", &error).has_value());
    EXPECT_NE(error.find("odd"), std::string::npos) << error;
}

TEST(DecodeHex, InvalidCharacterNamesCharAndPosition)
{
    std::string error;
    EXPECT_FALSE(decode_hex("12g4", &error).has_value());
    EXPECT_NE(error.find("'g'"), std::string::npos) << error;
    EXPECT_NE(error.find("position 2"), std::string::npos) << error;
}

TEST(DecodeHex, InvalidLowNibbleReportsItsOwnPosition)
{
    std::string error;
    EXPECT_FALSE(decode_hex("123z", &error).has_value());
    EXPECT_NE(error.find("'z'"), std::string::npos) << error;
    EXPECT_NE(error.find("position 3"), std::string::npos) << error;
}

TEST(DecodeHex, PositionCountsThePrefix)
{
    std::string error;
    EXPECT_FALSE(decode_hex("0x12g4", &error).has_value());
    EXPECT_NE(error.find("position 4"), std::string::npos) << error;
}

TEST(DecodeHex, NonPrintableInvalidCharacterIsShownAsByte)
{
    std::string error;
    EXPECT_FALSE(decode_hex(std::string("a\x01", 2), &error).has_value());
    EXPECT_NE(error.find("byte 1"), std::string::npos) << error;
    EXPECT_NE(error.find("position 1"), std::string::npos) << error;
}

TEST(DecodeHex, ErrorPointerIsOptional)
{
    EXPECT_FALSE(decode_hex("zz").has_value());
    EXPECT_FALSE(decode_hex("abc").has_value());
}

TEST(DecodeHex, PrefixOnlyStrippedAtStart)
{
    // "0x" in the middle is not a prefix: 'x' is an invalid digit.
    EXPECT_FALSE(decode_hex("000x").has_value());
}

TEST(ToHex, LowerCaseWithoutPrefix)
{
    const Bytes bytes{0xde, 0xad, 0xBE, 0xef, 0x00, 0x0a};
    EXPECT_EQ(to_hex(bytes), "deadbeef000a");
}

TEST(ToHex, EmptyIsEmptyString)
{
    EXPECT_EQ(to_hex(Bytes{}), "");
}

TEST(ToHex, RoundTripsEveryByteValue)
{
    Bytes all(256);
    for (int i = 0; i < 256; ++i)
        all[i] = static_cast<uint8_t>(i);
    const std::string text = to_hex(all);
    ASSERT_EQ(text.size(), 512u);
    for (int i = 0; i < 256; ++i)
    {
        static constexpr char digits[] = "0123456789abcdef";
        ASSERT_EQ(text[2 * i], digits[i >> 4]) << i;
        ASSERT_EQ(text[2 * i + 1], digits[i & 0xf]) << i;
    }
    EXPECT_EQ(decode_hex(text), all);
    EXPECT_EQ(decode_hex("0x" + text), all);
}

TEST(ToHex, Array32)
{
    std::array<uint8_t, 32> root{};
    root[0] = 0x01;
    root[31] = 0xff;
    EXPECT_EQ(to_hex(root), "01" + std::string(60, '0') + "ff");
}
