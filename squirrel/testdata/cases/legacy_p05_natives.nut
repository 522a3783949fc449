function t(f) { try { print(f() + "\n"); } catch (e) { print("ERR: " + e + "\n"); } }
t(@() [].push());
t(@() [].push(1,2));
t(@() "abc".slice("x"));
t(@() [1].insert("a", 1));
t(@() {}.setdelegate(5));
t(@() format("%d", "x"));
t(@() [].extend(5));
t(@() "a".find(5));
t(@() {}.rawget(5));
t(@() {}.rawget(null));
t(@() [1,2].sort(5));
t(@() (function(){}).bindenv(5));
