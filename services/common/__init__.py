"""The shared kernel: settings, database, safe XML, message types, retours, rules, auth, problems, outbox."""
