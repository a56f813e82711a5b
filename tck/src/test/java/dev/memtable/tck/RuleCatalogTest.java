package dev.memtable.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the rule names well-formed and the README's rule list in step with the code. */
class RuleCatalogTest {

    @Test
    void ruleNames_carryRequiredOrOptionalAndAUniqueId() {
        List<String> names = RuleCatalog.ruleNames();
        assertFalse(names.isEmpty(), "no @Test methods found on MemTableContract");
        Map<String, String> byId = new HashMap<>();
        for (String name : names) {
            String id = RuleFailureReporter.ruleId(name);
            assertTrue(id != null, name + " must look like required_<group><nn>_<what> or"
                    + " optional_<group><nn>_<what>");
            String clash = byId.put(id, name);
            assertTrue(clash == null, "rule id " + id + " is used by " + clash + " and " + name);
        }
    }

    @Test
    void readme_listsExactlyTheRules() throws IOException {
        Path readme = Path.of(System.getProperty("basedir", "."), "README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("(?:required|optional)_[a-z]+[0-9]{2}_[A-Za-z0-9]+")
                .matcher(text);
        Set<String> listed = new TreeSet<>();
        while (m.find()) {
            listed.add(m.group());
        }
        assertEquals(new TreeSet<>(RuleCatalog.ruleNames()), listed,
                "the rules named in " + readme + " must be exactly the rules of MemTableContract");
    }
}
