package org.medgemma4j.privacy.deid;

/**
 * The kinds of protected health information found, after HIPAA Safe Harbor's identifiers. Each has the
 * tag that redaction writes ({@code [NAME]}).
 */
public enum PhiCategory {
    /** Names of patients, relatives and staff, initials included. */
    NAME,
    /** Any date element but a year alone is also kept here: days, months, years, holidays. */
    DATE,
    /** Ages over 89. */
    AGE,
    /** Telephone, fax and pager numbers. */
    PHONE,
    EMAIL,
    SSN,
    /** Medical record, account, health plan, licence and other identifying numbers. */
    ID,
    /** Street addresses and post office boxes. */
    ADDRESS,
    /** Cities, towns and other places below the state. */
    LOCATION,
    ZIP,
    /** Hospitals, clinics, nursing homes, wards with a proper name. */
    FACILITY,
    URL,
    IP;

    /** The placeholder redaction writes. */
    public String tag() {
        return "[" + name() + "]";
    }
}
