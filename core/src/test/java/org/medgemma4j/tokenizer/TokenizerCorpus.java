package org.medgemma4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Varied text for comparing the tokenizer with llama.cpp's. */
final class TokenizerCorpus {

    private TokenizerCorpus() {
    }

    static final String MEDICAL = "Patient is a 67-year-old male with a history of CHF (EF 35%), T2DM (HbA1c 7.2%) and "
            + "hypertension, on Metoprolol 25 mg PO BID, lisinopril 10 mg daily and furosemide 40 mg IV q12h. "
            + "Labs: Na 138 mmol/L, K 4.1 mmol/L, Cr 1.2 mg/dL, eGFR 58 mL/min/1.73m², troponin <0.01 ng/mL. "
            + "Assessment: ICD-10 I50.22, E11.9, I10.\n";

    static final List<String> SAMPLES = List.of(
            "",
            "Hello world",
            "Metoprolol 25 mg PO BID",
            "HbA1c 7.2%",
            "BP 120/80, HR 72 bpm, SpO2 98% on RA, T 37.2°C, glucose 5.6 mmol/L (101 mg/dL)",
            "ICD-10: E11.9, I10, J45.909; CPT 99213; SNOMED 44054006",
            "Amoxicillin-clavulanate 875/125 mg q12h × 7 days; acetaminophen 500–1000 mg q6h PRN (max 4 g/day)",
            "µg, ≥, ≤, ±, °, ™, ©, ½, ∞, →, ∑, √",
            "3.14159 2718281828 1,000,000 -42 0x1F 1e-9 007 2024-01-31",
            MEDICAL,
            "患者主诉胸痛三天，伴有呼吸困难。既往有高血压病史。",
            "血圧は140/90 mmHgです。薬を毎日飲んでください。カタカナ、ひらがな。",
            "환자는 당뇨병 병력이 있습니다. 혈당을 확인하세요.",
            "المريض يعاني من ارتفاع ضغط الدم والسكري.",
            "המטופל סובל מכאבי ראש וסחרחורת.",
            "रोगी को तेज़ बुखार और सिरदर्द है।",
            "ผู้ป่วยมีไข้สูงและปวดศีรษะ",
            "Пациент жалуется на головную боль и тошноту.",
            "Ο ασθενής έχει πυρετό και βήχα.",
            "Café, naïve, Größe, señor, São Paulo, Øresund, Łódź, İstanbul, Ærø",
            "e\u0301 vs é, ﬁ ligature, Ｆｕｌｌｗｉｄｔｈ",
            "I ❤️ medicine 🩺💊🏥",
            "Family: 👨‍👩‍👧‍👦 Doctor: 👩🏽‍⚕️ 🧑🏿‍🔬",
            "Flags 🇺🇸🇩🇪🇯🇵🇧🇷 and 🏳️‍🌈",
            "  leading spaces",
            "trailing spaces   ",
            "a    b     c      d",
            " ",
            "tabs\t\there\t",
            "\n\n\nnewlines\n",
            "\n",
            "   \n  \t \r\n\r\n \u00a0 \u3000 end",
            "def f(x):\n    return x ** 2  # square\n\nprint(f(3))\n",
            "for (int i = 0; i < n; i++) { sum += a[i]; }",
            "<div class=\"note\"><b>Bold</b> <i>it</i></div>\n<table><tr><td>1</td></tr></table>",
            "<start_of_turn>user\nhi<end_of_turn>\n<start_of_turn>model\n",
            "<unused94>thought\nLet me think about this.<unused95>The answer is 4.",
            "<mask>",
            "<bos>",
            "<bos>hello<eos>",
            "a<pad>b<unk>c",
            "<start_of_image> <end_of_image>",
            "<start_of_turn <<start_of_turn>> <end_of_turn",
            "a▁b ▁▁c▁▁▁",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "========== !!!??? ... ---- ____",
            "https://example.org/path?q=1&r=2#frag john.doe@example.com",
            "𠀀𪚥𰻞 rare CJK",
            "\uE000\uF8FF private \uDB80\uDC00 use",
            "\u0000\u0001\u007f controls \u200b zero width",
            "Ünïcödé ⅯⅯⅩⅩⅣ ∀x∈ℝ: x² ≥ 0");

    private static final String[] PIECES = {" ", "  ", "\n", "\n\n", "\t", "\r", "▁", "a", "e", "the", "ing", "mg",
        "7", "42", ".", ",", "<", ">", "/", "<start_of_turn>", "<end_of_turn>", "<bos>", "<mask>", "<unused9>",
        "<b>", "</td>", "start_of", "患", "者", "ä", "\u0301", "🩺", "👩", "\u200d", "🏽", "⚕️", "\uE000", "𰻞", "ок"};

    /** Random strings of pieces that stress merges, whitespace runs and special-token boundaries. */
    static List<String> fuzz(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(1, 30); n > 0; n--) {
                sb.append(PIECES[random.nextInt(PIECES.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** About 20 KB: prose, scripts, whitespace and special-token text mixed. */
    static String longText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 20_000; i++) {
            sb.append(SAMPLES.get(i % SAMPLES.size())).append(i % 3 == 0 ? "\n" : " ");
        }
        return sb.toString();
    }
}
