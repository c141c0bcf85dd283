package org.medgemma4j.evaluation;

import java.util.List;

/**
 * Ways real models state (or fail to state) an answer, for the scripted server. {X} is the letter or word the
 * reply stands for, {T} that option's text, {Y} another letter.
 *
 * @param readable whether the harness must read {X} from it (false: it must count it unparsed)
 */
record AnswerForms(String template, boolean readable) {

    static final List<AnswerForms> LETTER = List.of(
            new AnswerForms("Answer: {X}", true),
            new AnswerForms("The correct answer is ({X}).", true),
            new AnswerForms("**Final answer: {X}**", true),
            new AnswerForms("{X}", true),
            new AnswerForms("{X}. {T}", true),
            new AnswerForms("<unused94>thought Option {Y} looks tempting; the answer is {Y}? No.<unused95>The answer is {X}", true),
            new AnswerForms("Let me reason step by step.\n{Y} is unlikely because of the history.\nTherefore, the answer is {X}.", true),
            new AnswerForms("$\\boxed{{X}}$", true),
            new AnswerForms("({X}) {T}", true),
            new AnswerForms("Option {X}", true),
            new AnswerForms("{T}", true),
            new AnswerForms(ScriptedOpenAiServer.REASONING + "The answer is {Y}." + ScriptedOpenAiServer.SPLIT + "Answer: {X}", true),
            new AnswerForms("The best answer is {X}: {T}", true),
            new AnswerForms("I am not sure.", false),
            new AnswerForms("<unused94>thought The answer is {X}, probably", false), // thinking never closed: no answer
            new AnswerForms("", false),
            new AnswerForms("{X} or {Y}", false),
            new AnswerForms("It could be any of them, depending on the patient.", false));

    static final List<AnswerForms> YES_NO = List.of(
            new AnswerForms("Answer: {X}", true),
            new AnswerForms("{X}.", true),
            new AnswerForms("The answer is {X}.", true),
            new AnswerForms("**{X}**", true),
            new AnswerForms("<unused94>thought no idea, maybe yes<unused95>{X}", true),
            new AnswerForms("Final answer: {X}", true),
            new AnswerForms(ScriptedOpenAiServer.REASONING + "Surely no." + ScriptedOpenAiServer.SPLIT + "{X}, based on the abstract.", true),
            new AnswerForms("It depends on the population studied.", false),
            new AnswerForms("Possibly.", false));

    /** The reply for a stated choice {@code x} (another choice {@code y}, option text {@code t}). */
    String render(String x, String y, String t, boolean capitalise) {
        String xs = capitalise ? Character.toUpperCase(x.charAt(0)) + x.substring(1) : x;
        return template.replace("{X}", xs).replace("{Y}", y).replace("{T}", t == null ? "" : t);
    }
}
