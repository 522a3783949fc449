function t(f) { try { print(f() + "\n"); } catch (e) { print("ERR: " + e + "\n"); } }
g <- 10;
class A { x = 1; function m() { return g; } function w() { g = 20; return g; } function l() { return len(); } function q() { return this.g; }
  function setx() { x = 3; return x; } function setm() { m = 3; } function getcls() { return getclass() == A; } }
local a = A();
t(@() a.m());
t(@() a.w());
t(@() g);
t(@() a.l());
t(@() a.q());
t(@() a.setx());
t(@() a.setm());
t(@() a.getcls());
local tb = { y = 5, f = function() { return y + g; }, h = function() { return len(); }, s = function() { z = 1; } , s2 = function() { g = 30; return g; }};
t(@() tb.f());
t(@() tb.h());
t(@() tb.s());
t(@() tb.s2());
function outer() { return inner(); }
function inner() { return this; }
t(@() outer() == getroottable());
t(@() tb.f.call({y = 1}));
local d = { foo = 1, _get = function(k) { return "got " + k; } };
local t2 = {};
t2.setdelegate(d);
t(@() t2.foo);
t(@() t2.bar);
t(@() t2.len());
t(@() t2.getdelegate() == d);
t(function() { t2.foo = 5; return d.foo; });
t(function() { t2.zz <- 5; return t2.zz; });
t(@() "zz" in t2);
t(@() "foo" in t2);
local d2 = { _get = function(k) { throw null; } };
local t3 = {}; t3.setdelegate(d2);
t(@() t3.qq);
local d3 = { _get = function(k) { throw "custom"; } };
local t4 = {}; t4.setdelegate(d3);
t(@() t4.qq);
t(@() t4.len());
