-- Subqueries: comparing a row with its own group
--
-- HR reviews pay: who earns more than the average of their own department?
-- Comparing everyone with the company-wide average flags the whole of a
-- well-paid department and nobody anywhere else: a report that looks
-- plausible and is wrong. The comparison each row needs is with "the
-- average of THIS employee's department": a different number for each
-- department, worked out for the row being tested.
--
-- The query below compares with the company-wide average. Fix it: return
-- the name, department and salary of every employee whose salary is strictly
-- above the average salary of their own department, in any order:
--
--   name       | department  | salary
--   -----------+-------------+-------
--   Tom Becker | engineering | 180000
--   ...

SELECT name, department, salary
  FROM employees
 WHERE salary > (SELECT AVG(salary) FROM employees);
