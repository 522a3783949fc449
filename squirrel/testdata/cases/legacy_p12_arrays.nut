local a = [5, 3, 8, 1, 9, 2];
a.sort();
foreach (v in a) print(v + " ");
print("\n");
a.sort(@(x, y) y <=> x);
foreach (v in a) print(v + " ");
print("\n");
local b = a.map(@(x) x * 2);
foreach (v in b) print(v + " ");
print("\n" + a.reduce(@(p, c) p + c) + "\n");
local f = a.filter(@(i, v) v % 2 == 0);
foreach (v in f) print(v + " ");
print("\n" + a.find(8) + " " + a.find(100) + "\n");
a.insert(0, 100); a.remove(1); a.append(7); a.push(6);
print(a.top() + " " + a.pop() + " " + a.len() + "\n");
a.reverse();
foreach (v in a) print(v + " ");
print("\n");
local s = a.slice(1, 3);
print(s.len() + " " + s[0] + "\n");
a.resize(2);
print(a.len() + "\n");
a.resize(4, "x");
foreach (v in a) print(v + " ");
print("\n");
local arr = array(3, 0);
arr[1] = 5;
foreach (v in arr) print(v + " ");
print("\n");
try { arr[5] = 1; } catch (e) { print(e + "\n"); }
try { [].pop(); } catch (e) { print(e + "\n"); }
try { [].top(); } catch (e) { print(e + "\n"); }
local e = [1, 2]; e.extend([3, 4]);
print(e.len() + " " + e.slice(-2)[0] + "\n");
local mixed = [3, "a", 1.5, null, true, 2];
try { mixed.sort(); } catch (x) { print(x + "\n"); }
local st = [[1, "b"], [1, "a"], [0, "c"], [1, "d"], [0, "e"]];
st.sort(@(x, y) x[0] <=> y[0]);
foreach (v in st) print(v[1]);
print("\n");
e.apply(@(x) x + 1);
foreach (v in e) print(v + " ");
print("\n");
print(e.slice(1).len() + "\n");
