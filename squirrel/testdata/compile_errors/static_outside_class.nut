class C { static X = 1; }
static Y = 2;
