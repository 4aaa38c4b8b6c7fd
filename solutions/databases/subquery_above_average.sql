-- The subquery refers to e, the outer row: it averages e's department only.
SELECT e.name, e.department, e.salary
  FROM employees AS e
 WHERE e.salary > (
           SELECT AVG(colleague.salary)
             FROM employees AS colleague
            WHERE colleague.department = e.department
       );
