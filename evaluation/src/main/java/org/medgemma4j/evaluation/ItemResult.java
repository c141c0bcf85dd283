package org.medgemma4j.evaluation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One scored item: a line of the {@code --out} file.
 *
 * @param choice  the parsed choice, null when the answer could not be read (counted unparsed and wrong)
 * @param correct whether {@code choice} equals {@code answer}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ItemResult(@JsonProperty("id") String id, @JsonProperty("subject") String subject,
                         @JsonProperty("prompt") String prompt, @JsonProperty("raw") String raw,
                         @JsonProperty("choice") String choice, @JsonProperty("answer") String answer,
                         @JsonProperty("correct") boolean correct) {

    public static ItemResult of(Item item, String prompt, String raw, String choice) {
        return new ItemResult(item.id(), item.subject(), prompt, raw, choice, item.answer(), item.answer().equals(choice));
    }

    public boolean unparsed() {
        return choice == null;
    }
}
