local a = [1];
foreach (x in a) { }
continue;
