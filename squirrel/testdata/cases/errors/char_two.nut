local c = 'ab';
