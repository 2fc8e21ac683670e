import type { Locale } from './index';

/**
 * zxcvbn's warnings and suggestions arrive in English from Rust; these are their translations
 * (the exact strings of zxcvbn 3.1). Anything not listed is shown as it came.
 */
const FEEDBACK: Record<string, { 'zh-CN': string; 'zh-TW': string }> = {
  'Straight rows of keys are easy to guess.': { 'zh-CN': '键盘上连续的一排按键很容易被猜到。', 'zh-TW': '鍵盤上連續的一排按鍵很容易被猜到。' },
  'Short keyboard patterns are easy to guess.': { 'zh-CN': '简短的键盘图案很容易被猜到。', 'zh-TW': '簡短的鍵盤圖案很容易被猜到。' },
  'Repeats like "aaa" are easy to guess.': { 'zh-CN': '像“aaa”这样的重复很容易被猜到。', 'zh-TW': '像「aaa」這樣的重複很容易被猜到。' },
  'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': { 'zh-CN': '像“abcabcabc”这样的重复只比“abc”难猜一点点。', 'zh-TW': '像「abcabcabc」這樣的重複只比「abc」難猜一點點。' },
  'This is a top-10 common password.': { 'zh-CN': '这是最常见的 10 个密码之一。', 'zh-TW': '這是最常見的 10 個密碼之一。' },
  'This is a top-100 common password.': { 'zh-CN': '这是最常见的 100 个密码之一。', 'zh-TW': '這是最常見的 100 個密碼之一。' },
  'This is a very common password.': { 'zh-CN': '这是一个非常常见的密码。', 'zh-TW': '這是一個非常常見的密碼。' },
  'This is similar to a commonly used password.': { 'zh-CN': '这与常用密码相似。', 'zh-TW': '這與常用密碼相似。' },
  'Sequences like abc or 6543 are easy to guess.': { 'zh-CN': '像 abc 或 6543 这样的序列很容易被猜到。', 'zh-TW': '像 abc 或 6543 這樣的序列很容易被猜到。' },
  'Recent years are easy to guess.': { 'zh-CN': '最近的年份很容易被猜到。', 'zh-TW': '最近的年份很容易被猜到。' },
  'A word by itself is easy to guess.': { 'zh-CN': '单个单词很容易被猜到。', 'zh-TW': '單一單字很容易被猜到。' },
  'Dates are often easy to guess.': { 'zh-CN': '日期通常很容易被猜到。', 'zh-TW': '日期通常很容易被猜到。' },
  'Names and surnames by themselves are easy to guess.': { 'zh-CN': '单独的名字或姓氏很容易被猜到。', 'zh-TW': '單獨的名字或姓氏很容易被猜到。' },
  'Common names and surnames are easy to guess.': { 'zh-CN': '常见的名字和姓氏很容易被猜到。', 'zh-TW': '常見的名字和姓氏很容易被猜到。' },
  'Use a few words, avoid common phrases.': { 'zh-CN': '使用几个单词，避免常见短语。', 'zh-TW': '使用幾個單字，避免常見片語。' },
  'No need for symbols, digits, or uppercase letters.': { 'zh-CN': '不一定需要符号、数字或大写字母。', 'zh-TW': '不一定需要符號、數字或大寫字母。' },
  'Add another word or two. Uncommon words are better.': { 'zh-CN': '再加一两个单词，不常见的单词更好。', 'zh-TW': '再加一兩個單字，不常見的單字更好。' },
  "Capitalization doesn't help very much.": { 'zh-CN': '大写字母帮助不大。', 'zh-TW': '大寫字母幫助不大。' },
  'All-uppercase is almost as easy to guess as all-lowercase.': { 'zh-CN': '全部大写和全部小写几乎一样容易被猜到。', 'zh-TW': '全部大寫和全部小寫幾乎一樣容易被猜到。' },
  "Reversed words aren't much harder to guess.": { 'zh-CN': '倒写的单词并不更难猜。', 'zh-TW': '倒寫的單字並不更難猜。' },
  "Predictable substitutions like '@' instead of 'a' don't help very much.": { 'zh-CN': '用“@”代替“a”这类可预测的替换帮助不大。', 'zh-TW': '用「@」代替「a」這類可預測的替換幫助不大。' },
  'Use a longer keyboard pattern with more turns.': { 'zh-CN': '使用更长、转折更多的键盘图案。', 'zh-TW': '使用更長、轉折更多的鍵盤圖案。' },
  'Avoid repeated words and characters.': { 'zh-CN': '避免重复的单词和字符。', 'zh-TW': '避免重複的單字和字元。' },
  'Avoid sequences.': { 'zh-CN': '避免连续序列。', 'zh-TW': '避免連續序列。' },
  'Avoid recent years.': { 'zh-CN': '避免使用最近的年份。', 'zh-TW': '避免使用最近的年份。' },
  'Avoid years that are associated with you.': { 'zh-CN': '避免使用与您相关的年份。', 'zh-TW': '避免使用與您相關的年份。' },
  'Avoid dates and years that are associated with you.': { 'zh-CN': '避免使用与您相关的日期和年份。', 'zh-TW': '避免使用與您相關的日期和年份。' },
};

/** zxcvbn feedback in the user's language. */
export function translateFeedback(text: string, locale: Locale): string {
  if (locale === 'en') return text;
  return FEEDBACK[text]?.[locale] ?? text;
}
